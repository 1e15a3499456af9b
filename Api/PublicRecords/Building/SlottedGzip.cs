using System.Buffers.Binary;
using System.IO.Compression;

namespace Traceability.Api.PublicRecords.Building;

/// <summary>A stored part (a page, the record's JSON) kept gzip-compressed with its per-view slots still fillable.
/// Every browser asks for gzip, and compressing a page per view cost more than the rest of the view; stored plain, a
/// ~9 KB part also took two 8 KiB database pages where its ~2.5 KB compressed form shares one. The part is cut at its
/// slots; each piece is compressed once, at build time, into deflate blocks that end on a byte boundary (a sync
/// flush). A view writes the gzip header, the pieces, each slot's value as a stored (uncompressed) deflate block, a
/// final empty block, and the trailer: the CRC-32 of the whole, combined from the pieces' CRCs and the values' (RFC
/// 1951 §3.2.4, RFC 1952). No byte of the part is compressed or hashed per view except the few of the slot values; a
/// client that takes no gzip gets the filled stream inflated (~10 µs for 9 KB).</summary>
public static class SlottedGzip
{
    private const byte Format = 1;
    private static readonly byte[] Header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    private static readonly byte[] FinalBlock = [1, 0, 0, 0xff, 0xff];
    private const int MaxStoredBlock = 65_535;

    private static int StoredBlocksLength(int valueLength) => valueLength + 5 * Math.Max(1, (valueLength + MaxStoredBlock - 1) / MaxStoredBlock);

    /// <summary>Whether <paramref name="stored"/> is in this form (every stored part but the QR image).</summary>
    public static bool Is(byte[] stored) => stored.Length > 0 && stored[0] == Format;

    /// <summary>The stored form of <paramref name="page"/>, whose slots are found by <paramref name="nextSlot"/>
    /// (position and slot number, or -1) and are <paramref name="slotLength"/> bytes long.</summary>
    public static byte[] Build(byte[] page, Func<byte[], int, (int At, int Slot)> nextSlot, Func<int, int> slotLength)
    {
        using var output = new MemoryStream(page.Length / 3);
        output.WriteByte(Format);
        var from = 0;
        while (true)
        {
            var (at, slot) = nextSlot(page, from);
            var piece = page.AsSpan(from, (at < 0 ? page.Length : at) - from);
            WritePiece(output, piece);
            if (at < 0) break;
            output.WriteByte((byte)slot);
            from = at + slotLength(slot);
        }
        return output.ToArray();
    }

    private static void WritePiece(MemoryStream output, ReadOnlySpan<byte> piece)
    {
        byte[] deflated;
        using (var buffer = new MemoryStream(piece.Length / 3 + 16))
        {
            var deflate = new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true);
            deflate.Write(piece);
            deflate.Flush();               // a sync flush: ends with an empty stored block, on a byte boundary
            deflated = buffer.ToArray();   // taken before Dispose, which would add a final block
            deflate.Dispose();
        }
        Span<byte> head = stackalloc byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(head, piece.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(head[4..], Crc32.Of(piece));
        BinaryPrimitives.WriteInt32LittleEndian(head[8..], deflated.Length);
        output.Write(head);
        output.Write(deflated);
    }

    /// <summary>The gzip stream of the part with each slot replaced by <paramref name="values"/>[slot].</summary>
    public static byte[] Fill(byte[] stored, byte[][] values)
    {
        if (!Is(stored)) throw new InvalidDataException("Not a stored gzip part.");
        // First pass: the exact size, so a view allocates its answer once.
        var length = Header.Length + FinalBlock.Length + 8;
        for (var at = 1; at < stored.Length;)
        {
            var deflated = BinaryPrimitives.ReadInt32LittleEndian(stored.AsSpan(at + 8));
            length += deflated;
            at += 12 + deflated;
            if (at < stored.Length) { length += StoredBlocksLength(values[stored[at]].Length); at++; }
        }
        var output = new byte[length];
        Header.CopyTo(output, 0);
        var written = Header.Length;
        uint crc = 0;
        long total = 0;
        for (var at = 1; at < stored.Length;)
        {
            var raw = BinaryPrimitives.ReadInt32LittleEndian(stored.AsSpan(at));
            var pieceCrc = BinaryPrimitives.ReadUInt32LittleEndian(stored.AsSpan(at + 4));
            var deflated = BinaryPrimitives.ReadInt32LittleEndian(stored.AsSpan(at + 8));
            stored.AsSpan(at + 12, deflated).CopyTo(output.AsSpan(written));
            written += deflated;
            crc = Crc32.Combine(crc, pieceCrc, raw);
            total += raw;
            at += 12 + deflated;
            if (at >= stored.Length) break;
            var value = values[stored[at++]];
            // Stored blocks of at most 65,535 bytes each: BFINAL 0, BTYPE 00 (the rest of the byte is padding), LEN,
            // NLEN, the bytes. A slot value is short (a count, a time, a URL) but is never cut short.
            for (var from = 0; from < value.Length || from == 0; from += MaxStoredBlock)
            {
                var piece = value.AsSpan(from, Math.Min(MaxStoredBlock, value.Length - from));
                output[written] = 0;
                BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(written + 1), (ushort)piece.Length);
                BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(written + 3), (ushort)~piece.Length);
                piece.CopyTo(output.AsSpan(written + 5));
                written += 5 + piece.Length;
                if (value.Length == 0) break;
            }
            crc = Crc32.Append(crc, value);
            total += value.Length;
        }
        FinalBlock.CopyTo(output, written);
        written += FinalBlock.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(written), crc);
        BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(written + 4), (uint)total);
        return output;
    }

    /// <summary>The bytes of a gzip stream written by <see cref="Fill"/>, for a client that takes no gzip.</summary>
    public static byte[] Inflate(byte[] gzip)
    {
        var output = new byte[BinaryPrimitives.ReadUInt32LittleEndian(gzip.AsSpan(gzip.Length - 4))];
        using var inflate = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        inflate.ReadExactly(output);
        return output;
    }

    /// <summary>Whether the client takes gzip (Accept-Encoding names it, or *, without q=0).</summary>
    public static bool Accepted(HttpRequest request)
    {
        foreach (var value in request.Headers.AcceptEncoding)
        {
            if (value is null) continue;
            foreach (var item in value.Split(','))
            {
                var parts = item.Split(';', StringSplitOptions.TrimEntries);
                if (parts[0] is not ("gzip" or "*") && !parts[0].Equals("gzip", StringComparison.OrdinalIgnoreCase)) continue;
                var refused = parts.Skip(1).Any(p => p.Replace(" ", "") is "q=0" or "q=0.0" or "q=0.00" or "q=0.000");
                if (!refused) return true;
            }
        }
        return false;
    }
}

/// <summary>CRC-32 as gzip uses it (ISO-HDLC: reflected polynomial 0xEDB88320), with zlib's crc32_combine: the CRC of
/// two pieces joined, from each piece's CRC and the second's length, without reading the bytes again.</summary>
public static class Crc32
{
    private const uint Polynomial = 0xedb88320;
    private static readonly uint[] Table = MakeTable();
    private static readonly uint[] PowersOfX = MakePowers();

    public static uint Of(ReadOnlySpan<byte> data) => Append(0, data);

    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var c = ~crc;
        foreach (var b in data) c = Table[(c ^ b) & 0xff] ^ (c >> 8);
        return ~c;
    }

    /// <summary>The CRC of A followed by B, given CRC(A), CRC(B) and B's length.</summary>
    public static uint Combine(uint crcA, uint crcB, long lengthB) => MultiplyModP(ShiftFor(lengthB), crcA) ^ crcB;

    // x^(8 × length) for the lengths a stored part's pieces have, computed once each: every view combines one CRC a
    // piece, and computing the power took ~450 carry-less steps a piece (a tenth of an item view's own CPU). Never 0, so 0
    // marks a length not computed yet; two threads computing the same length write the same value.
    private static readonly uint[] Shifts = new uint[65_536];

    private static uint ShiftFor(long length)
    {
        if (length >= Shifts.Length) return XToThe8NModP(length);
        var shift = Shifts[length];
        if (shift == 0) Shifts[length] = shift = XToThe8NModP(length);
        return shift;
    }

    private static uint[] MakeTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    // x^(2^n) modulo the polynomial, for n = 0..31 (zlib's x2n_table).
    private static uint[] MakePowers()
    {
        var powers = new uint[32];
        var p = 1u << 30;  // x^1
        powers[0] = p;
        for (var n = 1; n < 32; n++) powers[n] = p = MultiplyModP(p, p);
        return powers;
    }

    // a × b modulo the polynomial, in reflected bit order (zlib's multmodp).
    private static uint MultiplyModP(uint a, uint b)
    {
        var m = 1u << 31;
        uint p = 0;
        while (true)
        {
            if ((a & m) != 0)
            {
                p ^= b;
                if ((a & (m - 1)) == 0) break;
            }
            m >>= 1;
            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1;
        }
        return p;
    }

    // x^(8 × length) modulo the polynomial (zlib's x2nmodp(length, 3)).
    private static uint XToThe8NModP(long length)
    {
        var p = 1u << 31;  // x^0
        var k = 3;
        while (length != 0)
        {
            if ((length & 1) != 0) p = MultiplyModP(PowersOfX[k & 31], p);
            length >>= 1;
            k++;
        }
        return p;
    }
}
