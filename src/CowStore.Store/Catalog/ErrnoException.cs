namespace CowStore.Store.Catalog;

/// <summary>Turns an errno into the exception the CLI maps to an exit code (permission, disk full, other I/O).</summary>
internal static class ErrnoException
{
    private const int EACCES = 13;
    private const int ENOSPC = 28;
    private const int EDQUOT = 122;

    public static Exception From(int errno, string what)
    {
        string message = $"{what}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}";
        return errno switch
        {
            EACCES or Libc.EPERM => new UnauthorizedAccessException(message),
            // HResult carries the errno so callers can tell a full disk apart without parsing text.
            ENOSPC or EDQUOT => new IOException(message, ENOSPC),
            _ => new IOException(message, errno),
        };
    }
}
