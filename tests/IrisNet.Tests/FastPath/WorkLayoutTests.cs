using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace IrisNet.Tests;

/// <summary>
/// Where the training work buffers lie in memory: each starts on a 64-byte cache line, and a row's
/// stride is a whole, odd number of lines that holds the chunk's columns rounded up to whole vectors.
/// Layout only: the tests of the sweep, the gradients and determinism check that no result depends on it.
/// </summary>
public class WorkLayoutTests
{
    [Fact]
    public void Aligned_buffers_start_on_a_cache_line_hold_their_length_and_start_at_zero()
    {
        // Many buffers of both element types, at whatever offsets past a line the runtime places their arrays.
        for (int length = 1; length <= 200; length++)
        {
            Check(new AlignedBuffer<float>(length), length);
            Check(new AlignedBuffer<double>(length), length);
        }
        Assert.True(new AlignedBuffer<double>(0).Span.IsEmpty);
    }

    private static void Check<T>(AlignedBuffer<T> buffer, int length) where T : unmanaged
    {
        Span<T> span = buffer.Span;
        Assert.Equal(length, span.Length);
        // The address, without unsafe code: the byte distance from a null reference (the array is pinned).
        long address = Unsafe.ByteOffset(ref Unsafe.NullRef<T>(), ref MemoryMarshal.GetReference(span));
        Assert.True(address % 64 == 0,
            $"a {typeof(T).Name} buffer of {length} starts {address % 64} bytes past a line");
        foreach (T v in span) Assert.Equal(default, v);
        span.Fill(default);  // the whole span is writable: it lies inside the array
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(30)]
    [InlineData(120)]
    [InlineData(128)]
    [InlineData(1000)]
    [InlineData(1024)]
    [InlineData(2048)]
    public void A_work_row_is_an_odd_number_of_lines_that_holds_the_chunk_in_whole_vectors(int chunk)
    {
        Stride<float>(chunk, Network<float, VectorKernels<float>>.WorkStride(chunk));
        Stride<double>(chunk, Network<double, VectorKernels<double>>.WorkStride(chunk));
    }

    private static void Stride<T>(int chunk, int stride) where T : unmanaged
    {
        int bytes = stride * Unsafe.SizeOf<T>();
        Assert.True(stride >= chunk, $"{stride} < {chunk}");
        Assert.Equal(0, stride % Vector<T>.Count);
        Assert.Equal(0, bytes % 64);
        Assert.True(bytes / 64 % 2 == 1,
            $"{typeof(T).Name}, chunk {chunk}: a row of {bytes / 64} lines puts rows {bytes} bytes apart");
        Assert.True(bytes - (long)chunk * Unsafe.SizeOf<T>() < 2 * 64 + Vector<T>.Count * Unsafe.SizeOf<T>(),
            $"{stride} wastes more than it must for {chunk}");
    }
}
