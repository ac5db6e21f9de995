using System.Numerics;

namespace IrisNet.Training;

/// <summary>
/// A request to see the weights while training runs: every <see cref="Every"/> epochs (and once before
/// the first, as epoch 0) the trainer copies the current A, a, B and b into these buffers, widened to
/// double, and calls the callback with the epoch. The buffers are allocated once, when training starts;
/// each snapshot overwrites them, so a caller that keeps snapshots copies them in its callback.
/// </summary>
public sealed class WeightSnapshots
{
    private readonly Action<int, WeightSnapshots> _taken;

    /// <summary>A snapshot every <paramref name="every"/> epochs, each handed to <paramref name="taken"/> with its
    /// epoch.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="every"/> is not positive.</exception>
    public WeightSnapshots(int every, Action<int, WeightSnapshots> taken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        Every = every;
        _taken = taken;
    }

    /// <summary>The epochs between snapshots.</summary>
    public int Every { get; }

    /// <summary>A after the epoch's update, H×D row-major.</summary>
    public double[] A { get; private set; } = [];

    /// <summary>a, H entries (zeros without biases).</summary>
    public double[] HiddenBias { get; private set; } = [];

    /// <summary>B, C×H row-major.</summary>
    public double[] B { get; private set; } = [];

    /// <summary>b, C entries (zeros without biases).</summary>
    public double[] OutputBias { get; private set; } = [];

    /// <summary>Copies the weights of the network (buffers allocated on the first call) and calls the
    /// callback.</summary>
    internal void Take<T>(int epoch, T[] A, T[] hiddenBias, T[] B, T[] outputBias) where T : unmanaged,
        IFloatingPointIeee754<T>
    {
        if (this.A.Length != A.Length) this.A = new double[A.Length];
        if (HiddenBias.Length != hiddenBias.Length) HiddenBias = new double[hiddenBias.Length];
        if (this.B.Length != B.Length) this.B = new double[B.Length];
        if (OutputBias.Length != outputBias.Length) OutputBias = new double[outputBias.Length];
        Widen(A, this.A);
        Widen(hiddenBias, HiddenBias);
        Widen(B, this.B);
        Widen(outputBias, OutputBias);
        _taken(epoch, this);
    }

    private static void Widen<T>(T[] source, double[] destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < source.Length; i++) destination[i] = double.CreateChecked(source[i]);
    }
}
