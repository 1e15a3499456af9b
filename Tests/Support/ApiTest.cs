using NUnit.Framework;

namespace Traceability.Tests.Support;

/// <summary>A fixture with its own API and database, and one registered producer.</summary>
public abstract class ApiTest
{
    protected ApiFactory Api { get; private set; } = null!;
    protected Account Producer { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartApi()
    {
        Api = new ApiFactory();
        Producer = await Api.CreateProducerAsync();
    }

    [OneTimeTearDown] public void StopApi() => Api.Dispose();
}
