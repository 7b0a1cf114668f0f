using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

internal static partial class Libc
{
    public const int SIGTERM = 15;

    /// <summary>kill(2): the daemons are stopped with SIGTERM so they unmount themselves.</summary>
    [LibraryImport(Name, EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);
}
