namespace CowStore.Core.Cow;

/// <summary>Another process (or another open <see cref="CowFileSystem"/>) holds the session delta.</summary>
public sealed class CowSessionLockedException : IOException
{
    public CowSessionLockedException()
    {
    }

    public CowSessionLockedException(string message) : base(message)
    {
    }

    public CowSessionLockedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
