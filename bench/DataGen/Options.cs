namespace Traceability.Bench.DataGen;

public sealed record Options(string Db, string Out, int Batches, int Producers, int Products, int EventsPerBatch, string PublicBaseUrl)
{
    public static Options Parse(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        return new Options(Arg("db", "data/large.db"), Arg("out", "data/large"), int.Parse(Arg("batches", "100000")),
            int.Parse(Arg("producers", "2000")), int.Parse(Arg("products", "10000")), int.Parse(Arg("events-per-batch", "10")),
            Arg("public-base-url", "http://127.0.0.1:5180"));
    }
}
