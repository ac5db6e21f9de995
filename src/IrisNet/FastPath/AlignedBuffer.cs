using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace IrisNet.FastPath;

/// <summary>
/// A work buffer whose first element lies on a 64-byte boundary, the start of a cache line. The
/// runtime puts an array's first element 16 bytes after wherever the object starts, so from one run
/// to the next a buffer may begin on a line or 8 to 56 bytes past one, and then every other 256-bit
/// vector of its rows straddles two lines and costs two accesses: a partition whose buffer began on a
/// line was measurably faster than one whose buffer did not (bench/notes.md has the figures).
/// The array lives on the pinned object heap, whose objects never move, with one line of slack; the
/// span starts at its first element on a line. Network.WorkStride keeps every row on a line as well.
/// </summary>
internal sealed class AlignedBuffer<T> where T : unmanaged
{
    /// <summary>The alignment: one cache line.</summary>
    public const int Bytes = 64;
    private readonly T[] _array;
    private readonly int _offset, _length;

    /// <summary>A zeroed buffer of <paramref name="length"/> elements.</summary>
    public AlignedBuffer(int length)
    {
        _length = length;
        if (length == 0) { _array = []; return; }
        int size = Unsafe.SizeOf<T>();
        _array = GC.AllocateArray<T>(length + Bytes / size, pinned: true);
        // The first element's address (its distance from a null reference); the array never moves.
        long address = Unsafe.ByteOffset(ref Unsafe.NullRef<T>(), ref MemoryMarshal.GetArrayDataReference(_array));
        _offset = (int)((Bytes - address % Bytes) % Bytes / size);
    }

    /// <summary>The buffer's elements, the first on a 64-byte boundary.</summary>
    public Span<T> Span => _array.AsSpan(_offset, _length);
}
