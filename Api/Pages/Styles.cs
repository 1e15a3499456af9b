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
        ol.tl li.corrected{opacity:.7}ol.tl li.corrected .what{text-decoration:line-through}ol.tl li.recalling::before{background:#b91c1c}
        .what{font-weight:600}.when,.where{color:#52606d;font-size:.92rem}.note{margin:.2rem 0 0;overflow-wrap:anywhere}
        ul.plain{margin:0;padding-left:1.1rem}a{color:#15803d}footer{text-align:center;color:#52606d;font-size:.9rem;margin-top:1rem}
        footer a{margin:0 .4rem}
        """;

    /// <summary>The label sheet's stylesheet: A4, 3 × 8 labels of 70 × 37 mm.</summary>
    /// <summary>The label page's stylesheets, one per stock (see <see cref="LabelStock.Css"/>).</summary>
    public static IEnumerable<string> LabelCss => LabelStock.All.Select(s => s.Css);
}
