using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

/// <summary>
/// The libc calls the tests make directly, one import per file (<c>Libc.&lt;Function&gt;.cs</c>).
/// The tests need exact errno values, which System.IO folds into exception types, so the
/// conformance checks and the model test go through these.
/// </summary>
internal static partial class Libc
{
    internal const string Name = "libc";

    /// <summary>errno of the last P/Invoke on this thread.</summary>
    internal static int Errno => Marshal.GetLastPInvokeError();
}
