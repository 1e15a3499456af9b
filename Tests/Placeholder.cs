namespace Traceability.Tests; public class Placeholder {}
