namespace CowStore.Store.Nix;

/// <summary>A Nix command failed or is missing; the message carries what Nix said.</summary>
public sealed class NixException(string message) : IOException(message);
