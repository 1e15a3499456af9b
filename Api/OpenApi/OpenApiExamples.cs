using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Traceability.Api.OpenApi;

/// <summary>Request examples in the contract, for the operations a newcomer calls first.</summary>
public sealed class OpenApiExamples : IOperationFilter
{
    private static readonly Dictionary<string, string> Examples = new()
    {
        ["CreateProducer"] = """
            {"name":"Hợp tác xã Nông nghiệp Thọ Xuân","kind":"cooperative","taxCode":"2801234567",
             "address":{"line":"Thôn 3","commune":"Xã Thọ Xuân","province":"Thanh Hóa","provinceCode":"38"},"phone":"0237 3850 123"}
            """,
        ["CreateAuthority"] = """{"name":"Hội đồng OCOP tỉnh Thanh Hóa","level":"province","province":"Thanh Hóa"}""",
        ["CreateProduct"] = """
            {"name":"Chè lam Phủ Quảng","nameEn":"Phu Quang rice cake","gtin":"8935049500018","category":"food",
             "standards":["TCVN 12605:2019"],"shelfLifeDays":90}
            """,
        ["CreateOcopCertification"] = """{"stars":4,"decisionNumber":"3981/QĐ-UBND","issuedBy":"UBND tỉnh Thanh Hóa","issuedOn":"2025-10-15"}""",
        ["CreateBatch"] = """
            {"productId":"0199a4c2-6f10-7b1e-9a51-3c7d2e0f4a11","lotNumber":"CL-2511-01","producedOn":"2025-11-20","quantity":200,"unit":"H87",
             "origin":{"name":"Xưởng Phủ Quảng","commune":"Xã Thọ Xuân","province":"Thanh Hóa"},
             "parents":[{"code":"K7QF3MZ9TX","quantity":25}]}
            """,
        ["AppendEvent"] = """
            {"type":"harvesting","occurredAt":"2025-11-20T06:30:00+07:00","location":{"name":"Đồi chè Xuân Lập","latitude":19.93,"longitude":105.48},
             "actor":"Tổ sản xuất số 2","note":"Hái búp một tôm hai lá","attributes":{"khốiLượng":"120 kg"},
             "certificates":[{"name":"VietGAP","number":"VG-38-0012","validUntil":"2027-01-01"}]}
            """,
        ["AppendEvents"] = """
            {"events":[
              {"batchId":"0199a4c2-6f10-7b1e-9a51-3c7d2e0f4a11","type":"cultivating","occurredAt":"2025-11-18T07:00:00+07:00","note":"Bón phân hữu cơ"},
              {"batchId":"0199a4c2-6f10-7b1e-9a51-3c7d2e0f4a11","type":"harvesting","occurredAt":"2025-11-20T06:30:00+07:00"}]}
            """,
        ["RecallBatch"] = """{"reason":"Phát hiện dư lượng thuốc bảo vệ thực vật vượt ngưỡng"}""",
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.OperationId is not { } id || !Examples.TryGetValue(id, out var example)) return;
        if (operation.RequestBody?.Content is not { } content) return;
        foreach (var media in content.Values.OfType<OpenApiMediaType>()) media.Example = JsonNode.Parse(example);
    }
}
