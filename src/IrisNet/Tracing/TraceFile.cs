using IrisNet.Reference;
using IrisNet.Training;

namespace IrisNet.Tracing;

/// <summary>
/// A trace: the network, the update rule, the data, the starting weights and the quantities of each
/// step. <c>irisnet trace</c> writes every quantity; a user's file may hold any subset of them
/// (docs/trace-format.md).
/// </summary>
/// <param name="Settings">Activation, η, μ, λ.</param>
/// <param name="BatchSize">The mini-batch size (0 for full batch), as written; informational for a user's file.</param>
/// <param name="Seed">The seed of the initialization and the shuffle, or null.</param>
/// <param name="Data">The rows and labels.</param>
/// <param name="Initial">The weights before step 1.</param>
/// <param name="Steps">The steps, in order.</param>
public sealed record TraceFile(TraceSettings Settings, int BatchSize, ulong? Seed, TraceData Data,
    InitialWeights Initial, IReadOnlyList<TraceStep> Steps)
{
    /// <summary>The value of the "format" field.</summary>
    public const string FormatName = "irisnet-trace";

    /// <summary>The format version this library writes and reads.</summary>
    public const int Version = 1;

    /// <summary>The value of the "layout" field: batch matrices have one row per sample.</summary>
    public const string Layout = "sample-major";

    /// <summary>D, H, C and the bias flag of the network, from the starting weights.</summary>
    public NetworkShape Shape => new(Initial.A[0].Length, Initial.A.Length, Initial.B.Length,
        Initial.HiddenBias is not null, Settings.Activation);
}
