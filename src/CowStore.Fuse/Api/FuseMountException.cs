namespace CowStore.Fuse;

/// <summary>Mounting failed; the message is one line meant for the user.</summary>
public sealed class FuseMountException : IOException
{
    public FuseMountException()
    {
    }

    public FuseMountException(string message)
        : base(message)
    {
    }

    public FuseMountException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
