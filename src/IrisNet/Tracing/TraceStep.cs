namespace IrisNet.Tracing;

/// <summary>One training step of a trace: the batch it used and its quantities in computation order.</summary>
/// <param name="Number">1-based step number.</param>
/// <param name="Batch">The indices of the data rows (into the trace's data.X) that form the batch, in order.</param>
/// <param name="Quantities">Forward pass, loss, backward pass, update and weights after it, in that order.</param>
public sealed record TraceStep(int Number, int[] Batch, IReadOnlyList<TraceTensor> Quantities)
{
    /// <summary>The quantity called <paramref name="name"/>, or null when this step has none.</summary>
    public TraceTensor? Find(string name) => Quantities.FirstOrDefault(q => q.Name == name);
}
