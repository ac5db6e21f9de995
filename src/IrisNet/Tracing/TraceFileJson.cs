using System.Text.Json.Serialization;
using IrisNet.Data;
using IrisNet.Reference;

namespace IrisNet.Tracing;

/// <summary>
/// A trace file exactly as docs/trace-format.md lays it out (schema: docs/trace.schema.json), mapped
/// strictly by <see cref="TraceJsonContext"/>: what the format requires is <c>required</c>, everything
/// else may be absent, and no other field is accepted. What JSON cannot say (shapes, lengths, finite
/// numbers, equation numbers) <see cref="TraceJson"/> checks. Members are named as the file names its
/// fields, except in <see cref="InitialBlock"/>.
/// </summary>
internal sealed record TraceFileJson
{
    public required string Format { get; init; }

    public required int Version { get; init; }

    public string? Layout { get; init; }

    public string? Description { get; init; }

    public required NetworkBlock Network { get; init; }

    public required OptionsBlock Options { get; init; }

    public required DataBlock Data { get; init; }

    public required InitialBlock Initial { get; init; }

    public required StepBlock[] Steps { get; init; }

    /// <summary>
    /// The activation, and D, H, C and the bias flag, which are checked against the weights when given.
    /// </summary>
    public sealed record NetworkBlock
    {
        public required Activation Activation { get; init; }

        public bool? Bias { get; init; }

        [JsonPropertyName("D")]
        public int? D { get; init; }

        [JsonPropertyName("H")]
        public int? H { get; init; }

        [JsonPropertyName("C")]
        public int? C { get; init; }
    }

    /// <summary>η (required), μ and λ (0 when absent), and what <c>irisnet trace</c> was run with.</summary>
    public sealed record OptionsBlock
    {
        [JsonPropertyName("lr")]
        public required double LearningRate { get; init; }

        public double? Momentum { get; init; }

        public double? L2 { get; init; }

        public int? BatchSize { get; init; }

        public ulong? Seed { get; init; }

        public StandardizationKind? Standardize { get; init; }

        public int? Steps { get; init; }
    }

    /// <summary>
    /// The rows the network sees (X, after standardization) and their labels, with what they came from.
    /// </summary>
    public sealed record DataBlock
    {
        public string? Source { get; init; }

        public string? Sha256 { get; init; }

        public string[]? Features { get; init; }

        public string[]? Classes { get; init; }

        public int[]? Rows { get; init; }

        public StandardizationBlock? Standardization { get; init; }

        [JsonPropertyName("X")]
        public required TraceValue X { get; init; }

        public required int[] Labels { get; init; }
    }

    /// <summary>The z-score (or none) that turned the file's features into X.</summary>
    public sealed record StandardizationBlock
    {
        public required StandardizationKind Kind { get; init; }

        public required TraceValue Mean { get; init; }

        public required TraceValue Scale { get; init; }
    }

    /// <summary>
    /// The weights before step 1: A and B, and a and b (both or neither). The members are named as in
    /// <see cref="Training.InitialWeights"/>, since the serializer binds required members to names without
    /// regard to case (A and a would collide); messages use the file's names.
    /// </summary>
    public sealed record InitialBlock
    {
        [JsonPropertyName("A")]
        public required Entry A { get; init; }

        [JsonPropertyName("a")]
        public Entry? HiddenBias { get; init; }

        [JsonPropertyName("B")]
        public required Entry B { get; init; }

        [JsonPropertyName("b")]
        public Entry? OutputBias { get; init; }
    }

    /// <summary>
    /// One quantity: its value, and optionally its equation number and shape, which must then be the right ones.
    /// </summary>
    public sealed record Entry
    {
        public int? Equation { get; init; }

        public int[]? Shape { get; init; }

        public required TraceValue Value { get; init; }
    }

    /// <summary>
    /// One step: its number, epoch and batch, and any subset of the quantities, declared here in the
    /// order of computation (<see cref="TraceComputation.Order"/>; a test holds the two equal), which is
    /// the order they are written in. <see cref="TraceJson"/> reaches them by name through the generated metadata.
    /// </summary>
    public sealed class StepBlock
    {
        public int? Step { get; set; }

        public int? Epoch { get; set; }

        public int[]? Batch { get; set; }

        [JsonPropertyName("X")]
        public Entry? X { get; set; }

        [JsonPropertyName("Y")]
        public Entry? Y { get; set; }

        [JsonPropertyName("Z")]
        public Entry? Z { get; set; }

        [JsonPropertyName("H")]
        public Entry? H { get; set; }

        [JsonPropertyName("S")]
        public Entry? S { get; set; }

        [JsonPropertyName("Yhat")]
        public Entry? Yhat { get; set; }

        [JsonPropertyName("L")]
        public Entry? L { get; set; }

        [JsonPropertyName("dS")]
        public Entry? dS { get; set; }

        [JsonPropertyName("dB")]
        public Entry? dB { get; set; }

        [JsonPropertyName("db")]
        public Entry? db { get; set; }

        [JsonPropertyName("dH")]
        public Entry? dH { get; set; }

        [JsonPropertyName("dZ")]
        public Entry? dZ { get; set; }

        [JsonPropertyName("dA")]
        public Entry? dA { get; set; }

        [JsonPropertyName("da")]
        public Entry? da { get; set; }

        [JsonPropertyName("gA")]
        public Entry? gA { get; set; }

        [JsonPropertyName("ga")]
        public Entry? ga { get; set; }

        [JsonPropertyName("gB")]
        public Entry? gB { get; set; }

        [JsonPropertyName("gb")]
        public Entry? gb { get; set; }

        [JsonPropertyName("vA")]
        public Entry? vA { get; set; }

        [JsonPropertyName("va")]
        public Entry? va { get; set; }

        [JsonPropertyName("vB")]
        public Entry? vB { get; set; }

        [JsonPropertyName("vb")]
        public Entry? vb { get; set; }

        [JsonPropertyName("A_after")]
        public Entry? A_after { get; set; }

        [JsonPropertyName("a_after")]
        public Entry? a_after { get; set; }

        [JsonPropertyName("B_after")]
        public Entry? B_after { get; set; }

        [JsonPropertyName("b_after")]
        public Entry? b_after { get; set; }
    }
}
