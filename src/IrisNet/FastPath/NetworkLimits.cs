using IrisNet.Training;

namespace IrisNet.FastPath;

/// <summary>
/// The sizes <see cref="Network{T, TK}"/> works in, in one place: its chunks and partitions, which
/// <see cref="TrainingOptions.ValidateFor"/> also uses to estimate memory before training.
/// </summary>
internal static class NetworkLimits
{
    /// <summary>The most columns of one chunk.</summary>
    public const int MaxChunk = 2048;

    /// <summary>The most partitions of a batch (each with its own gradient buffers).</summary>
    public const int MaxPartitions = 8;
}
