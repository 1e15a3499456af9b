using System.Text.Json;
using Traceability.Domain;
using Traceability.Domain.Events;

namespace Traceability.Bench.DataGen;

/// <summary>The dataset, decided up front from a fixed seed so that runs are comparable.</summary>
public sealed class Plan
{
    public sealed record ProducerPlan(Guid Id, string Name, string Kind, string TaxCode, string Line, string Commune, string Phone, string Key);
    public sealed record CertificationPlan(Guid ProductId, int Stars, string Decision, DateOnly IssuedOn);
    public sealed record ProductPlan(Guid Id, Guid ProducerId, string Name, string NameEn, string? Gtin, string Category, string Description,
        string Standards, int ShelfLifeDays, List<CertificationPlan> Certifications);
    public sealed record BatchPlan(Guid Id, Guid ProductId, Guid ProducerId, string? Gtin, string Lot, string Code, DateOnly ProducedOn, DateOnly ExpiresOn,
        decimal Quantity, string OriginName, string Commune, double Lat, double Lon, List<Guid> Parents, int EventCount);

    private static readonly string[] Communes = ["Xã Xuân Lập", "Xã Thọ Xuân", "Xã Lũng Cao", "Xã Cẩm Thủy", "Xã Ngọc Lặc", "Xã Hoằng Hóa", "Xã Hải Tiến", "Xã Pù Luông"];
    private static readonly (string Vi, string En, string Category)[] Goods =
    [
        ("Nem chua", "Fermented pork roll", "food"), ("Mật ong rừng", "Wild honey", "food"), ("Chè Shan tuyết", "Shan tuyet tea", "beverage"),
        ("Nước mắm", "Fish sauce", "food"), ("Gạo nếp cái hoa vàng", "Yellow-flower sticky rice", "food"), ("Rượu cần", "Tube wine", "beverage"),
        ("Quế Thường Xuân", "Thuong Xuan cinnamon", "herbal"), ("Chiếu cói Nga Sơn", "Nga Son sedge mat", "handicraft"),
    ];
    private static readonly string[] Steps = ["planting", "cultivating", "cultivating", "cultivating", "harvesting", "processing", "inspecting", "packing", "storing", "shipping", "receiving", "retail_selling"];

    public List<ProducerPlan> Producers { get; } = [];
    public List<ProductPlan> Products { get; } = [];
    public List<BatchPlan> Batches { get; } = [];
    private readonly Random _random;

    public Plan(Options o, Random random)
    {
        _random = random;
        var codes = new HashSet<string>();
        var gtinSerial = 100000000L;
        for (var p = 0; p < o.Producers; p++)
        {
            var commune = Communes[p % Communes.Length];
            Producers.Add(new ProducerPlan(Guid.CreateVersion7(), $"Hợp tác xã Nông nghiệp số {p + 1} {commune[3..]}", p % 5 == 0 ? "enterprise" : "cooperative",
                $"28{p:D8}", $"Thôn {p % 12 + 1}", commune, $"0237 3{p % 1000:D3} {p % 100:D2}", ApiKey.New()));
        }
        for (var i = 0; i < o.Products; i++)
        {
            var producer = Producers[i % Producers.Count];
            var goods = Goods[i % Goods.Length];
            string? gtin = null;
            if (i % 2 == 0)
            {
                var data = "893" + (gtinSerial++).ToString("D9");
                Gtin.TryNormalize(data + Gtin.CheckDigit(data), out var g);
                gtin = g;
            }
            var id = Guid.CreateVersion7();
            var certs = new List<CertificationPlan>();
            var stars = i % 40 == 0 ? 5 : i % 5 == 0 ? 4 : 3;
            if (i % 7 == 0) certs.Add(new CertificationPlan(id, 3, $"{1000 + i}/QĐ-UBND", new DateOnly(2020, 6, 1)));
            certs.Add(new CertificationPlan(id, stars, $"{3000 + i}/QĐ-UBND", new DateOnly(2024, 1, 1).AddDays(i % 600)));
            Products.Add(new ProductPlan(id, producer.Id, $"{goods.Vi} {producer.Commune[3..]} loại {i % 3 + 1}", goods.En, gtin, goods.Category,
                $"{goods.Vi} sản xuất theo quy trình truyền thống tại {producer.Commune}, tỉnh Thanh Hóa.",
                JsonSerializer.Serialize(new[] { "TCVN 7050:2009", "VietGAP" }), 30 + i % 700, certs));
        }
        var byProducer = Products.GroupBy(p => p.ProducerId).ToDictionary(g => g.Key, g => g.ToList());
        var ownBatches = new Dictionary<Guid, List<Guid>>();
        for (var b = 0; b < o.Batches; b++)
        {
            var producer = Producers[b % Producers.Count];
            var products = byProducer[producer.Id];
            var product = products[b / Producers.Count % products.Count];
            string code;
            do code = TracingCode.New(); while (!codes.Add(code));
            var parents = new List<Guid>();
            var mine = ownBatches.TryGetValue(producer.Id, out var list) ? list : ownBatches[producer.Id] = [];
            if (b % 10 == 9 && mine.Count > 0) parents.Add(mine[random.Next(mine.Count)]);
            if (b % 20 == 19 && Batches.Count > 0) parents.Add(Batches[random.Next(Batches.Count)].Id);
            var produced = new DateOnly(2025, 1, 1).AddDays(b % 330);
            var id = Guid.CreateVersion7();
            var events = Math.Max(1, o.EventsPerBatch - 5 + random.Next(11));
            Batches.Add(new BatchPlan(id, product.Id, producer.Id, product.Gtin, $"L{b / Producers.Count:D4}-{b % 97:D2}", code, produced,
                produced.AddDays(product.ShelfLifeDays), 10 + b % 500, $"Vùng nguyên liệu {producer.Commune[3..]}", producer.Commune,
                19.5 + random.NextDouble(), 105 + random.NextDouble(), parents.Distinct().ToList(), events));
            mine.Add(id);
        }
    }

    public IEnumerable<NewEvent> Story(BatchPlan b)
    {
        var day = b.ProducedOn.ToDateTime(new TimeOnly(6, 0));
        for (var i = 0; i < b.EventCount; i++)
        {
            var type = WireEnum<EventType>.Parse(Steps[Math.Min(i, Steps.Length - 1)]);
            var at = new DateTimeOffset(day.AddHours(i * 7), VietnamTime.Offset);
            yield return new NewEvent(b.Id, type, at, new EventLocation(b.OriginName, Math.Round(b.Lat, 7), Math.Round(b.Lon, 7), null),
                "Tổ sản xuất số " + (i % 4 + 1), $"Ghi chép bước {i + 1}: {EventTypes.Of(type).LabelVi.ToLowerInvariant()} theo đúng quy trình, đạt yêu cầu.",
                i % 3 == 0 ? new Dictionary<string, string> { ["nhiệtĐộ"] = $"{24 + i % 8}°C", ["độẨm"] = $"{60 + i % 30}%" } : new Dictionary<string, string>(),
                type == EventType.Inspecting ? [new EventCertificate("Phiếu kết quả thử nghiệm", $"KN-{i:D4}", "Trung tâm Kiểm nghiệm Thanh Hóa", null, null)] : [],
                null);
        }
    }

    /// <summary>What wrk picks from: every batch's public paths, and writers' keys with their own batches.</summary>
    public void WriteRequestLists(string dir)
    {
        File.WriteAllLines(Path.Combine(dir, "records.txt"), Batches.Select(b => $"/api/v1/public/records/{b.Code}"));
        File.WriteAllLines(Path.Combine(dir, "pages.txt"), Batches.Select(b => $"/p/{b.Code}"));
        File.WriteAllLines(Path.Combine(dir, "links.txt"), Batches.Where(b => b.Gtin is not null).Select(b => $"/01/{b.Gtin}/10/{Uri.EscapeDataString(b.Lot)}"));
        File.WriteAllLines(Path.Combine(dir, "qr.txt"), Batches.Select(b => $"/p/{b.Code}/qr.png"));
        var keys = Producers.ToDictionary(p => p.Id, p => p.Key);
        File.WriteAllLines(Path.Combine(dir, "writers.txt"), Batches.GroupBy(b => b.ProducerId)
            .Select(g => $"{keys[g.Key]} {string.Join(',', g.Select(b => b.Id))}"));
        // EPCIS capture names lots, not ids: each producer's key with its batches' tracing codes.
        File.WriteAllLines(Path.Combine(dir, "capturers.txt"), Batches.GroupBy(b => b.ProducerId)
            .Select(g => $"{keys[g.Key]} {string.Join(',', g.Select(b => b.Code))}"));
    }
}
