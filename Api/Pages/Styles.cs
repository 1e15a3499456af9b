namespace Traceability.Api.Pages;

/// <summary>One small stylesheet, inlined: the page makes a single request on a weak connection.</summary>
public static class Styles
{
    public const string Css = """
        *{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2933;background:#f5f7f4}
        main{max-width:40rem;margin:0 auto;padding:0 .75rem 2rem;overflow-wrap:anywhere}.recall{overflow-wrap:anywhere}h1{font-size:1.5rem;line-height:1.25;margin:.75rem 0 .25rem}
        h2{font-size:1.05rem;margin:0 0 .5rem;color:#14532d}section{background:#fff;border-radius:.6rem;padding:.9rem;margin:.75rem 0;box-shadow:0 1px 2px #0001}
        .recall{background:#b91c1c;color:#fff;padding:1rem .9rem;font-weight:700;border-radius:0 0 .6rem .6rem}.recall p{margin:.25rem 0;font-weight:400}
        .sub{color:#52606d;margin:0}.img{width:100%;max-height:16rem;object-fit:cover;border-radius:.6rem;margin-top:.75rem;background:#e4e7eb}
        dl{margin:0;display:grid;grid-template-columns:minmax(7rem,40%) 1fr;gap:.3rem .75rem}dt{color:#52606d}dd{margin:0;overflow-wrap:anywhere}
        .code{font:700 1.15rem/1.2 ui-monospace,Menlo,Consolas,monospace;letter-spacing:.06em}
        .stars{color:#b45309;font-size:1.4rem;letter-spacing:.1em}.badge{display:inline-block;border-radius:1rem;padding:0 .55rem;font-size:.8rem;font-weight:600}
        .ok{background:#dcfce7;color:#14532d}.warn{background:#fee2e2;color:#991b1b}.muted{background:#e4e7eb;color:#3e4c59}
        ol.tl{list-style:none;margin:0;padding:0 0 0 1rem;border-left:3px solid #86efac}ol.tl li{position:relative;margin:0 0 .9rem;padding-left:.5rem}
        ol.tl li::before{content:"";position:absolute;left:-1.45rem;top:.35rem;width:.8rem;height:.8rem;border-radius:50%;background:#16a34a}
        ol.tl li.recalling::before{background:#b91c1c}
        .what{font-weight:600}.when,.where{color:#52606d;font-size:.92rem}.note{margin:.2rem 0 0;overflow-wrap:anywhere}
        ul.plain{margin:0;padding-left:1.1rem}a{color:#15803d}footer{text-align:center;color:#52606d;font-size:.9rem;margin-top:1rem}
        footer a{margin:0 .4rem}s{color:#616e7c}
        .verdict{font-size:1.3rem;line-height:1.35;font-weight:700;padding:.85rem 1rem;border-radius:.6rem;margin:.5rem 0 .75rem}
        .verdict.good{background:#dcfce7;color:#14532d}.verdict.warn{background:#fef3c7;color:#78350f}.verdict.bad{background:#b91c1c;color:#fff}
        .item.suspect~#verdict{display:none}.lang{text-align:right;margin:0}.lang a{display:inline-block;min-height:44px;padding:.7rem .25rem 0}
        .item input,.item button{min-height:44px;font-size:1.1rem;padding:.5rem .75rem;border-radius:.4rem}.item input{width:10ch;border:1px solid #7b8794}
        .item button{min-width:44px;background:#15803d;color:#fff;border:0;font-weight:600}
        .search{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.5rem 0}.search label{display:flex;flex-direction:column;font-size:.9rem;color:#52606d}
        .search input,.search select,.search button{min-height:44px;font-size:1rem;padding:.4rem .6rem;border-radius:.4rem;border:1px solid #7b8794}
        .search button{background:#15803d;color:#fff;border:0;font-weight:600}
        .report-link{text-align:center;margin:1rem 0}.report-link a,#report-item{display:inline-block;min-height:44px;padding-top:.6rem}
        form.report{display:flex;flex-direction:column;gap:.75rem}form.report label{display:flex;flex-direction:column;gap:.25rem}
        form.report label.choice{flex-direction:row;align-items:center;gap:.5rem;min-height:44px}form.report fieldset{border:0;padding:0;margin:0}
        form.report textarea,form.report input[type=tel]{font:inherit;font-size:1rem;padding:.5rem;border:1px solid #7b8794;border-radius:.4rem;min-height:44px}
        form.report button{min-height:44px;font-size:1.1rem;background:#15803d;color:#fff;border:0;border-radius:.4rem;font-weight:600}
        main.wide{max-width:64rem}.chart{max-width:32rem;display:block;margin:.5rem 0}table{border-collapse:collapse;width:100%;font-size:.95rem}
        caption{text-align:left;color:#52606d;padding:.25rem 0}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e4e7eb}
        .signout{display:flex;justify-content:flex-end;align-items:center;gap:1rem;margin-top:.5rem}.signout a{min-height:44px;padding-top:.6rem}
        .signout button{min-height:44px;padding:.4rem .9rem;border:1px solid #7b8794;border-radius:.4rem;background:#fff;font-size:1rem}
        .csv a{display:inline-block;min-height:44px;padding-top:.6rem}h3{font-size:1rem;margin:.75rem 0 .25rem}
        @page{size:A4;margin:15mm}@media print{body{background:#fff}.signout,.csv,.report-link,.lang,form{display:none}section{box-shadow:none;break-inside:avoid}}
        ol.catalogue{list-style:none;margin:0;padding:0}ol.catalogue li{display:flex;gap:.75rem;background:#fff;border-radius:.6rem;padding:.75rem;margin:.5rem 0;box-shadow:0 1px 2px #0001}
        ol.catalogue img{width:72px;height:72px;object-fit:cover;border-radius:.4rem;background:#e4e7eb}.provinces a{display:inline-block;margin:.2rem .5rem .2rem 0;min-height:44px;padding-top:.6rem}
        """;

    /// <summary>The label sheet's stylesheet: A4, 3 × 8 labels of 70 × 37 mm.</summary>
    /// <summary>The label page's stylesheets, one per stock (see <see cref="LabelStock.Css"/>).</summary>
    public static IEnumerable<string> LabelCss => LabelStock.All.Select(s => s.Css);
}
