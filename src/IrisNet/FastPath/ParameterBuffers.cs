using System.Numerics;
using IrisNet.Reference;

namespace IrisNet.FastPath;

/// <summary>
/// One buffer per parameter tensor, shaped like A, a, B, b (the biases' buffers are empty without
/// biases): an optimizer's per-element state, such as the velocity v or Adam's moments m and r.
/// Zero when created.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public class ParameterBuffers<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Zero buffers for <paramref name="shape"/>; with <paramref name="empty"/>, buffers of length 0 (state an
    /// optimizer does not keep).</summary>
    public ParameterBuffers(NetworkShape shape, bool empty = false)
    {
        A = new T[empty ? 0 : shape.H * shape.D];
        HiddenBias = new T[empty || !shape.Bias ? 0 : shape.H];
        B = new T[empty ? 0 : shape.C * shape.H];
        OutputBias = new T[empty || !shape.Bias ? 0 : shape.C];
    }

    /// <summary>The buffer for A, H×D.</summary>
    public T[] A { get; }

    /// <summary>The buffer for a, H entries.</summary>
    public T[] HiddenBias { get; }

    /// <summary>The buffer for B, C×H.</summary>
    public T[] B { get; }

    /// <summary>The buffer for b, C entries.</summary>
    public T[] OutputBias { get; }

    /// <summary>Copies every buffer into <paramref name="destination"/>, which has the same shape.</summary>
    public void CopyTo(ParameterBuffers<T> destination)
    {
        A.AsSpan().CopyTo(destination.A);
        HiddenBias.AsSpan().CopyTo(destination.HiddenBias);
        B.AsSpan().CopyTo(destination.B);
        OutputBias.AsSpan().CopyTo(destination.OutputBias);
    }

    /// <summary>Sets every element to 0.</summary>
    public void Clear()
    {
        A.AsSpan().Clear();
        HiddenBias.AsSpan().Clear();
        B.AsSpan().Clear();
        OutputBias.AsSpan().Clear();
    }
}
