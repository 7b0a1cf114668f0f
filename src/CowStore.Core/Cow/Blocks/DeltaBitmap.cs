using System.Numerics;

namespace CowStore.Core.Cow.Blocks;

/// <summary>
/// One bit per block of the base file: set = the block's content lives in the delta data file.
/// Bits are only ever set (a block never goes back to the base), which keeps the on-disk log
/// idempotent and order-insensitive for bits. Not thread-safe: the owner's lock protects it.
/// </summary>
internal sealed class DeltaBitmap
{
    private readonly ulong[] _words;

    public DeltaBitmap(long blockCount)
    {
        BlockCount = blockCount;
        _words = new ulong[(blockCount + 63) / 64];
    }

    /// <summary>Number of blocks the bitmap covers (the base file's blocks).</summary>
    public long BlockCount { get; }

    /// <summary>Number of set bits.</summary>
    public long SetCount { get; private set; }

    public bool Get(long block) => (_words[block >> 6] & (1UL << (int)(block & 63))) != 0;

    /// <summary>Sets bits [first, first+count) (clipped to the bitmap); returns how many were newly set.</summary>
    public long SetRange(long first, long count)
    {
        long end = Math.Min(first + count, BlockCount);
        long added = 0;
        for (long block = Math.Max(first, 0); block < end;)
        {
            int bit = (int)(block & 63);
            int take = (int)Math.Min(64 - bit, end - block);
            ulong mask = (take == 64 ? ulong.MaxValue : ((1UL << take) - 1)) << bit;
            ref ulong word = ref _words[block >> 6];
            added += BitOperations.PopCount(mask & ~word);
            word |= mask;
            block += take;
        }
        SetCount += added;
        return added;
    }

    /// <summary>True when any bit in [first, first+count) is clear.</summary>
    public bool AnyClear(long first, long count) => NextWithValue(first, Math.Min(first + count, BlockCount), false) < Math.Min(first + count, BlockCount);

    /// <summary>First block in [from, limit) whose bit equals <paramref name="value"/>, or <paramref name="limit"/>.</summary>
    public long NextWithValue(long from, long limit, bool value)
    {
        limit = Math.Min(limit, BlockCount);
        long block = from;
        while (block < limit)
        {
            ulong word = _words[block >> 6];
            if (!value)
            {
                word = ~word;
            }
            word &= ulong.MaxValue << (int)(block & 63);
            if (word != 0)
            {
                long found = (block & ~63L) + BitOperations.TrailingZeroCount(word);
                return Math.Min(found, limit);
            }
            block = (block & ~63L) + 64;
        }
        return limit;
    }
}
