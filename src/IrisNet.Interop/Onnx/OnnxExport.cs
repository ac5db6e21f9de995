using System.Text;
using System.Text.Json;
using Google.Protobuf;
using IrisNet.FastPath;
using IrisNet.Interop.NumPy;
using IrisNet.Models;
using IrisNet.Reference;
using Onnx;

namespace IrisNet.Interop.Onnx;

/// <summary>
/// A trained model as one ONNX graph from raw features to class probabilities, written with the
/// official onnx.proto (ONNX 1.12.0, compiled by Google.Protobuf's protoc at build time):
/// <code>
///   features [N, D]
///   → Sub(mean), Div(scale)            x′ = (x − μ)/σ; left out for a model trained with --standardize none
///   → Gemm(A, a, transB = 1)           z = x′ Aᵀ + a        (1); without biases Gemm(A) alone
///   → Identity | Tanh | Relu           h = f(z)             (2)
///   → Gemm(B, b, transB = 1)           s = h Bᵀ + b         (3)
///   → Softmax(axis = 1)                ŷ = softmax(s)       (4)
///   probabilities [N, C]
/// </code>
/// N is a dynamic batch dimension, named "N" in both. A (H×D) and B (C×H) keep the shapes of
/// docs/derivation.md, which is why Gemm's transB is set. In a float32 graph the standardization is
/// computed in float64 between two Casts and rounded to float32 once, exactly as IrisNet evaluates a
/// float32 model. The feature and class names, the label column, the activation, the standardization,
/// the model's precision and the IrisNet version are in the model's metadata_props (names as JSON arrays).
/// </summary>
/// <remarks>
/// Opset 13 (IR version 7, ONNX 1.8): the first opset whose Softmax normalizes along the one axis it is
/// given (opsets 1–12 flatten the input into 2-D first, which agrees here only because the input is 2-D),
/// and every operator used (Cast, Sub, Div, Gemm with an optional C, Identity, Tanh, Relu, Softmax) is
/// defined at 13 or earlier, so every runtime of the last years loads the file (ONNX Runtime since 1.6).
/// </remarks>
public static class OnnxExport
{
    /// <summary>The ONNX operator set version of the exported graph (default domain).</summary>
    public const long Opset = 13;

    /// <summary>The ONNX IR version that goes with opset 13.</summary>
    public const long IrVersion = 7;

    /// <summary>The graph's input: raw (unstandardized) features, N rows of D.</summary>
    public const string InputName = "features";

    /// <summary>The graph's output: class probabilities, N rows of C summing to 1.</summary>
    public const string OutputName = "probabilities";

    /// <summary>The ONNX model of <paramref name="model"/>, its arithmetic in <paramref name="dtype"/>, as protobuf
    /// bytes.</summary>
    public static byte[] ToBytes(Model model, Precision dtype) => Build(model, dtype).ToByteArray();

    internal static ModelProto Build(Model model, Precision dtype)
    {
        NetworkShape s = model.Shape;
        var T = dtype == Precision.Float32 ? TensorProto.Types.DataType.Float : TensorProto.Types.DataType.Double;
        var graph = new GraphProto
        {
            Name = "irisnet",
            DocString = $"IrisNet two-layer network, D = {s.D}, H = {s.H}, C = {s.C}, {Names.Of(s.Activation)}, "
                + $"{(s.Bias ? "biases" : "no biases")}: probabilities = softmax(B f(A x′ + a) + b) with "
                + "x′ = (features − mean) / scale (docs/derivation.md, equations 1–4).",
        };
        graph.Input.Add(Value(InputName, T, s.D,
            "raw features, one row per sample, in the order of metadata 'features'"));
        graph.Output.Add(Value(OutputName, T, s.C,
            "class probabilities, one row per sample, in the order of metadata 'classes'"));

        string x = InputName;
        if (model.Standardization.Enabled)
        {
            // IrisNet standardizes in float64 whatever the precision, and rounds x′ once.
            const TensorProto.Types.DataType Float64 = TensorProto.Types.DataType.Double;
            graph.Initializer.Add(Tensor("mean", Float64, [.. model.Standardization.Mean], s.D));
            graph.Initializer.Add(Tensor("scale", Float64, [.. model.Standardization.Scale], s.D));
            bool round = dtype == Precision.Float32;
            if (round) x = Node(graph, "Cast", "standardize_widen", [x], "features_float64", ("to", (long)Float64));
            x = Node(graph, "Sub", "standardize_center", [x, "mean"], "x_centered");
            x = Node(graph, "Div", "standardize_scale", [x, "scale"], round ? "x_prime_float64" : "x_prime");
            if (round) x = Node(graph, "Cast", "standardize_round", [x], "x_prime", ("to", (long)T));
        }
        graph.Initializer.Add(Tensor("A", T, model.A, s.H, s.D));
        if (s.Bias) graph.Initializer.Add(Tensor("a", T, model.HiddenBias, s.H));
        graph.Initializer.Add(Tensor("B", T, model.B, s.C, s.H));
        if (s.Bias) graph.Initializer.Add(Tensor("b", T, model.OutputBias, s.C));
        string z = Node(graph, "Gemm", "layer1", s.Bias ? [x, "A", "a"] : [x, "A"], "z", ("transB", 1L));
        string op = s.Activation switch { Activation.Tanh => "Tanh", Activation.Relu => "Relu", _ => "Identity" };
        string h = Node(graph, op, "activation", [z], "h");
        string sc = Node(graph, "Gemm", "layer2", s.Bias ? [h, "B", "b"] : [h, "B"], "s", ("transB", 1L));
        Node(graph, "Softmax", "softmax", [sc], OutputName, ("axis", 1L));

        var onnx = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "IrisNet",
            ProducerVersion = NpzWeights.Version,
            Domain = "irisnet",
            ModelVersion = 1,
            DocString = "A two-layer softmax network trained by IrisNet (irisnet export --format onnx).",
            Graph = graph,
        };
        onnx.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        Metadata(onnx, "features", Json(model.FeatureNames));
        Metadata(onnx, "classes", Json(model.ClassNames));
        Metadata(onnx, "label", model.LabelName);
        Metadata(onnx, "activation", Names.Of(s.Activation));
        Metadata(onnx, "standardize", Names.Of(model.Standardization.Enabled ? Data.StandardizationKind.ZScore
            : Data.StandardizationKind.None));
        Metadata(onnx, "precision", Names.Of(model.Precision));
        Metadata(onnx, "irisnet_version", NpzWeights.Version);
        return onnx;
    }

    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, int columns, string doc)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = columns });
        return new ValueInfoProto
        {
            Name = name,
            DocString = doc,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private static TensorProto Tensor(string name, TensorProto.Types.DataType type, double[] values, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)type };
        t.Dims.AddRange(dims);
        if (type == TensorProto.Types.DataType.Float) t.FloatData.AddRange(values.Select(v => (float)v));
        else t.DoubleData.AddRange(values);
        return t;
    }

    /// <summary>Adds a node with one output and integer attributes; returns the output's name.</summary>
    private static string Node(GraphProto graph, string op, string name, string[] inputs, string output,
        params (string Name, long Value)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        foreach (var (n, v) in attributes)
            node.Attribute.Add(new AttributeProto { Name = n, Type = AttributeProto.Types.AttributeType.Int, I = v });
        graph.Node.Add(node);
        return output;
    }

    private static void Metadata(ModelProto model, string key, string value) =>
        model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });

    private static string Json(IReadOnlyList<string> names)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (string n in names) w.WriteStringValue(n);
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
