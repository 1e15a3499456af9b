using Traceability.Api.Auth;
using Traceability.Api.PublicRecords;
using Traceability.Api.PublicRecords.Building;
using Traceability.Domain;
using Traceability.Domain.Events;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Hosting;

/// <summary>A realistic demo for Development: a Thanh Hóa cooperative with two OCOP products, their
/// certifications and batches. Seeded only into an empty database, through the same repositories as the API.</summary>
public sealed class DemoData(
    ProducerRepository producers, AuthorityRepository authorities, ProductRepository products,
    CertificationRepository certifications, BatchRepository batches, EventRepository events,
    ProducerLinkRepository producerLinks, PublicLinks links, TimeProvider clock)
{
    public async Task SeedIfEmptyAsync(ILogger logger, CancellationToken ct)
    {
        if ((await products.ListAsync(null, 0, 1, ct)).Items.Count > 0) return;
        var now = clock.GetUtcNow();
        var today = VietnamTime.Today(now);

        var coop = new Producer(Guid.CreateVersion7(), "Hợp tác xã Nông nghiệp Xuân Lập", ProducerKind.Cooperative, "2801234567",
            new Address("Thôn Phú Xá", "Xã Xuân Lập", "Thanh Hóa", null, "38"), "0237 3850 123", "htx.xuanlap@example.vn", now);
        var coopKey = IssuedKey.New(Role.Producer, coop.Id, now);
        await producers.CreateAsync(coop, coopKey.Record, coopKey.Hash, new ProducerRepository.ActBy(Role.Admin, null, "demo data"), ct);

        var province = new Authority(Guid.CreateVersion7(), "Hội đồng đánh giá OCOP tỉnh Thanh Hóa", AuthorityLevel.Province, "Thanh Hóa", now, "38");
        var provinceKey = IssuedKey.New(Role.Authority, province.Id, now);
        await authorities.CreateAsync(province, provinceKey.Record, provinceKey.Hash, ct);

        var nem = new Product(Guid.CreateVersion7(), coop.Id, "Nem chua Thanh Hóa", "Thanh Hoa fermented pork roll", "08935049500018",
            ProductCategory.Food, "Nem chua gói lá chuối, làm từ thịt lợn nạc và bì lợn, lên men tự nhiên 3–4 ngày.",
            ["TCVN 7050:2009", "HACCP"], 7, null, now, now);
        var honey = new Product(Guid.CreateVersion7(), coop.Id, "Mật ong rừng Bá Thước", "Ba Thuoc wild forest honey", null,
            ProductCategory.Food, "Mật ong khai thác từ đàn ong nuôi ven rừng đầu nguồn huyện Bá Thước.", ["VietGAP", "TCVN 12605:2019"], 730, null, now, now);
        await products.CreateAsync(nem, ct);
        await products.CreateAsync(honey, ct);
        // The cooperative's own links in the resolver (gs1:recipeInfo): how to eat nem chua, in Vietnamese and English.
        await producerLinks.CreateAsync(new ProducerLink(Guid.CreateVersion7(), nem.Id, coop.Id, null, "recipeInfo",
            "https://htx-xuanlap.example.vn/nem-chua/cach-an", "Cách ăn nem chua", "vi", "text/html", true, now), ct);
        await producerLinks.CreateAsync(new ProducerLink(Guid.CreateVersion7(), nem.Id, coop.Id, null, "recipeInfo",
            "https://htx-xuanlap.example.vn/en/nem-chua/how-to-eat", "How to eat nem chua", "en", "text/html", false, now), ct);

        OcopCertification Decision(Product product, int stars, string number, string issuedBy, DateOnly issuedOn) =>
            new(Guid.CreateVersion7(), product.Id, province.Id, stars, number, issuedBy, issuedOn, OcopCertification.DefaultValidUntil(issuedOn), now)
            {
                IssuerLevel = province.Level, Product = new CertifiedProduct(product.Name, product.Category, product.Gtin),
            };
        await certifications.CreateAsync(Decision(nem, 4, "3981/QĐ-UBND", "UBND tỉnh Thanh Hóa", today.AddMonths(-2)), ct);
        await certifications.CreateAsync(Decision(honey, 3, "1520/QĐ-UBND", "UBND huyện Bá Thước", today.AddMonths(-40)), ct);
        await certifications.CreateAsync(Decision(honey, 3, "2210/QĐ-UBND", "UBND tỉnh Thanh Hóa", today.AddMonths(-3)), ct);

        var nemBatch = await batches.CreateAsync(new Batch(Guid.CreateVersion7(), nem.Id, coop.Id, $"NC{today:yyMMdd}-01", TracingCode.New(),
            today.AddDays(-1), today.AddDays(6), 500m, "H87", new BatchOrigin("Trại lợn Xuân Lập", "Xã Xuân Lập", "Thanh Hóa", 19.93, 105.48), now), [], ct);
        var honeyBatch = await batches.CreateAsync(new Batch(Guid.CreateVersion7(), honey.Id, coop.Id, $"MO-{today:yyyy}-A", TracingCode.New(),
            today.AddDays(-20), today.AddDays(710), 120m, "KGM", new BatchOrigin("Rừng đầu nguồn Lũng Cao", "Xã Lũng Cao", "Thanh Hóa", 20.37, 105.14), now), [], ct);

        await events.AppendAsync(Story(honeyBatch.Id, today.AddDays(-20), "Rừng đầu nguồn Lũng Cao", 20.37, 105.14,
            ("harvesting", "Quay mật từ 40 đàn ong nuôi ven rừng"), ("processing", "Lọc và hạ thủy phần còn 19%"),
            ("inspecting", "Kiểm nghiệm: đạt TCVN 12605:2019"), ("packing", "Đóng 240 chai thủy tinh 500 g")), now, ct);
        await events.AppendAsync(Story(nemBatch.Id, today.AddDays(-1), "Xưởng chế biến Xuân Lập", 19.93, 105.48,
            ("processing", "Xay thịt, trộn thính và bì, gói lá chuối"), ("inspecting", "Kiểm tra vệ sinh an toàn thực phẩm"),
            ("packing", "Đóng hộp 10 chiếc")), now, ct);

        logger.LogWarning("Seeded the demo cooperative. Demo producer API key (shown only now): {ProducerApiKey}", coopKey.Secret);
        logger.LogWarning("Demo province authority API key (shown only now): {AuthorityApiKey}", provinceKey.Secret);
        logger.LogWarning("Demo public URLs: {NemUrl} and {HoneyUrl}", links.For(nemBatch, nem.Gtin), links.For(honeyBatch, honey.Gtin));
    }

    /// <summary>A day's steps at one place, two hours apart from 06:00 Vietnam time.</summary>
    private static List<NewEvent> Story(Guid batchId, DateOnly day, string place, double lat, double lon, params (string Type, string Note)[] steps) =>
        steps.Select((s, i) => new NewEvent(batchId, WireEnum<EventType>.Parse(s.Type),
            new DateTimeOffset(day.ToDateTime(new TimeOnly(6 + 2 * i, 0)), VietnamTime.Offset), new EventLocation(place, lat, lon, null),
            "Hợp tác xã Nông nghiệp Xuân Lập", s.Note, new Dictionary<string, string>(),
            s.Type == "inspecting" ? [new EventCertificate("Phiếu kết quả thử nghiệm", "KN-2025-118", "Trung tâm Kiểm nghiệm Thanh Hóa", null, null)] : [],
            null)).ToList();
}
