using System.Text;

namespace CowStore.Core.Cow;

/// <summary>
/// Binary encoding of <see cref="JournalOp"/>s (little-endian, strings as BinaryWriter writes them:
/// 7-bit encoded byte length + UTF-8). Layout documented in docs/FORMAT.md.
/// </summary>
internal static class JournalCodec
{
    public static byte[] Encode(IReadOnlyList<JournalOp> ops)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            foreach (JournalOp op in ops)
            {
                Write(writer, op);
            }
        }
        return stream.ToArray();
    }

    /// <summary>Decodes a frame payload whose checksum matched; malformed content is corruption.</summary>
    /// <exception cref="InvalidDataException">The payload does not decode.</exception>
    public static List<JournalOp> Decode(byte[] payload)
    {
        var ops = new List<JournalOp>();
        using var reader = new BinaryReader(new MemoryStream(payload, writable: false), Encoding.UTF8);
        try
        {
            while (reader.BaseStream.Position < reader.BaseStream.Length)
            {
                ops.Add(Read(reader));
            }
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("journal frame ends inside an operation", e);
        }
        return ops;
    }

    private static void Write(BinaryWriter w, JournalOp op)
    {
        switch (op)
        {
            case PutInodeOp put:
                w.Write(JournalOp.PutInodeCode);
                WriteRecord(w, put.Record);
                break;
            case DeleteInodeOp delete:
                w.Write(JournalOp.DeleteInodeCode);
                w.Write(delete.Ino);
                break;
            case PutDirectoryOp dir:
                w.Write(JournalOp.PutDirectoryCode);
                w.Write(dir.Ino);
                w.Write(dir.Entries.Count);
                foreach ((string name, DirEntry entry) in dir.Entries)
                {
                    w.Write(name);
                    WriteEntry(w, entry);
                }
                break;
            case SetEntryOp set:
                w.Write(JournalOp.SetEntryCode);
                w.Write(set.Directory);
                w.Write(set.Name);
                WriteEntry(w, set.Entry);
                break;
            case RemoveEntryOp remove:
                w.Write(JournalOp.RemoveEntryCode);
                w.Write(remove.Directory);
                w.Write(remove.Name);
                break;
            case DropDirectoryOp drop:
                w.Write(JournalOp.DropDirectoryCode);
                w.Write(drop.Ino);
                break;
            default:
                throw new ArgumentException($"unknown journal op {op.GetType().Name}", nameof(op));
        }
    }

    private static JournalOp Read(BinaryReader r)
    {
        byte code = r.ReadByte();
        switch (code)
        {
            case JournalOp.PutInodeCode:
                return new PutInodeOp(ReadRecord(r));
            case JournalOp.DeleteInodeCode:
                return new DeleteInodeOp(r.ReadUInt64());
            case JournalOp.PutDirectoryCode:
            {
                ulong ino = r.ReadUInt64();
                int count = r.ReadInt32();
                if (count < 0)
                {
                    throw new InvalidDataException("negative directory entry count");
                }
                var entries = new Dictionary<string, DirEntry>(count, StringComparer.Ordinal);
                for (int i = 0; i < count; i++)
                {
                    string name = r.ReadString();
                    entries[name] = ReadEntry(r);
                }
                return new PutDirectoryOp(ino, entries);
            }
            case JournalOp.SetEntryCode:
            {
                ulong dir = r.ReadUInt64();
                string name = r.ReadString();
                return new SetEntryOp(dir, name, ReadEntry(r));
            }
            case JournalOp.RemoveEntryCode:
            {
                ulong dir = r.ReadUInt64();
                return new RemoveEntryOp(dir, r.ReadString());
            }
            case JournalOp.DropDirectoryCode:
                return new DropDirectoryOp(r.ReadUInt64());
            default:
                throw new InvalidDataException($"unknown journal op code {code}");
        }
    }

    private static void WriteEntry(BinaryWriter w, in DirEntry entry)
    {
        w.Write(entry.Ino);
        w.Write(entry.Type);
        WriteOptionalString(w, entry.Origin);
    }

    private static DirEntry ReadEntry(BinaryReader r) => new(r.ReadUInt64(), r.ReadUInt32(), ReadOptionalString(r));

    private static void WriteRecord(BinaryWriter w, InodeRecord rec)
    {
        w.Write(rec.Ino);
        w.Write(rec.Mode);
        w.Write(rec.Uid);
        w.Write(rec.Gid);
        w.Write(rec.Nlink);
        w.Write(rec.Rdev);
        w.Write(rec.AtimeSec);
        w.Write(rec.AtimeNsec);
        w.Write(rec.MtimeSec);
        w.Write(rec.MtimeNsec);
        w.Write(rec.CtimeSec);
        w.Write(rec.CtimeNsec);
        WriteOptionalString(w, rec.Origin);
        w.Write(rec.BaseSize);
        WriteOptionalBytes(w, rec.SymlinkTarget);
        w.Write(rec.Xattrs.Count);
        foreach ((string name, byte[] value) in rec.Xattrs)
        {
            w.Write(name);
            WriteOptionalBytes(w, value);
        }
    }

    private static InodeRecord ReadRecord(BinaryReader r)
    {
        var rec = new InodeRecord
        {
            Ino = r.ReadUInt64(),
            Mode = r.ReadUInt32(),
            Uid = r.ReadUInt32(),
            Gid = r.ReadUInt32(),
            Nlink = r.ReadUInt32(),
            Rdev = r.ReadUInt64(),
            AtimeSec = r.ReadInt64(),
            AtimeNsec = r.ReadUInt32(),
            MtimeSec = r.ReadInt64(),
            MtimeNsec = r.ReadUInt32(),
            CtimeSec = r.ReadInt64(),
            CtimeNsec = r.ReadUInt32(),
            Origin = ReadOptionalString(r),
            BaseSize = r.ReadInt64(),
            SymlinkTarget = ReadOptionalBytes(r),
        };
        int xattrs = r.ReadInt32();
        for (int i = 0; i < xattrs; i++)
        {
            string name = r.ReadString();
            rec.Xattrs[name] = ReadOptionalBytes(r) ?? [];
        }
        return rec;
    }

    private static void WriteOptionalString(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
        {
            w.Write(value);
        }
    }

    private static string? ReadOptionalString(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static void WriteOptionalBytes(BinaryWriter w, byte[]? value)
    {
        w.Write(value?.Length ?? -1);
        if (value is not null)
        {
            w.Write(value);
        }
    }

    private static byte[]? ReadOptionalBytes(BinaryReader r)
    {
        int length = r.ReadInt32();
        if (length < -1)
        {
            throw new InvalidDataException("negative byte string length");
        }
        if (length == -1)
        {
            return null;
        }
        byte[] bytes = r.ReadBytes(length);
        if (bytes.Length != length)
        {
            throw new EndOfStreamException();
        }
        return bytes;
    }
}
