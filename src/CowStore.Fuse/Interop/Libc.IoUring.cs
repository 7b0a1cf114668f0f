using System.Runtime.InteropServices;
using CowStore.Fuse.Interop.Uring;

namespace CowStore.Interop;

// io_uring has no libc wrapper: the raw system calls (x86-64 and arm64 numbers are the same since 5.1's
// syscall table unification) through syscall(2), whose integer arguments travel in registers either way.
internal static partial class Libc
{
    private const long SysIoUringSetup = 425;
    private const long SysIoUringEnter = 426;

    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true)]
    private static unsafe partial long SyscallSetup(long number, uint entries, IoUringParams* parameters);

    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true)]
    private static unsafe partial long SyscallEnter(long number, int fd, uint toSubmit, uint minComplete, uint flags, void* signals, nuint signalSetSize);

    /// <summary>io_uring_setup(2): the ring's fd, or -1 and errno.</summary>
    internal static unsafe int IoUringSetup(uint entries, IoUringParams* parameters) =>
        (int)SyscallSetup(SysIoUringSetup, entries, parameters);

    /// <summary>io_uring_enter(2): SQEs consumed, or -1 and errno.</summary>
    internal static unsafe int IoUringEnter(int fd, uint toSubmit, uint minComplete, uint flags) =>
        (int)SyscallEnter(SysIoUringEnter, fd, toSubmit, minComplete, flags, null, 0);
}
