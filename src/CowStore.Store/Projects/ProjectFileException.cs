namespace CowStore.Store.Projects;

/// <summary>cowstore.json is missing, unreadable or invalid; the message names the file and the field.</summary>
public sealed class ProjectFileException(string message, Exception? inner = null) : Exception(message, inner);
