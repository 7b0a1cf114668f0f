using CowStore.IntegrationTests.Infrastructure;

namespace CowStore.IntegrationTests.Posix.Model;

/// <summary>One of the two trees the model test drives: its root and the fds open in it, by slot.</summary>
internal sealed class TwinSide(string name, string root, int slots) : IDisposable
{
    public string Name { get; } = name;

    public string Root { get; } = root;

    public FileDescriptor?[] Slots { get; } = new FileDescriptor?[slots];

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public void CloseSlot(int slot)
    {
        Slots[slot]?.Dispose();
        Slots[slot] = null;
    }

    public void Dispose()
    {
        for (int i = 0; i < Slots.Length; i++)
        {
            CloseSlot(i);
        }
    }
}
