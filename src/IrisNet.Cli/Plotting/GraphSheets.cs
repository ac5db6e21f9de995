using System.Globalization;
using IrisNet.Explain;
using IrisNet.Models;
using IrisNet.Reference;
using IrisNet.Tracing;
using IrisNet.Training;

namespace IrisNet.Cli.Plotting;

/// <summary>Builds the <see cref="GraphSheet"/> of <c>explain --graph</c> and of <c>diff --graph</c>.</summary>
public static class GraphSheets
{
    /// <summary>
    /// The graph of <c>explain</c>'s sample: every value and gradient is the one explain prints (the entry's
    /// quantity is explain's symbol, its index the row-major index in that quantity), the weights are
    /// those explain used.
    /// </summary>
    public static GraphSheet FromExplanation(Explanation e, InitialWeights weights, int sample, string source,
        IReadOnlyList<string> features,
        IReadOnlyList<string> classes)
    {
        NetworkShape s = e.Shape;
        Quantity Forward(string head) => e.Forward.First(q => Head(q.Symbol) == head);
        Quantity? Backward(string head) => e.Backward.FirstOrDefault(q => Head(q.Symbol) == head);
        static GraphEntry[] Entries(Quantity? q) => q is null ? [] : q.Value.Select((v, i) => new GraphEntry(q.Symbol,
            i, v)).ToArray();
        static GraphEntry[] Flat(string name, double[] values) => values.Select((v, i) => new GraphEntry(name, i,
            v)).ToArray();
        Quantity z = Forward("z");
        double[] A = weights.A.SelectMany(r => r).ToArray(), B = weights.B.SelectMany(r => r).ToArray();
        double[] y = new double[s.C];
        y[e.Label] = 1;
        return new GraphSheet
        {
            Shape = s,
            Features = features,
            Classes = classes,
            Title = $"Computation graph of sample {sample} of {source} (class {classes[e.Label]})",
            Header =
            [
                "Forward, left to right: each box is one number, its value above its gradient ∂ℓ/∂(it) (the backward " +
                    "pass, right to left); "
                    + "each edge carries its local derivative, the factor the chain rule multiplies along it.",
                "Values and gradients are those irisnet explain prints (6 decimals); equation numbers are those of " +
                    "docs/derivation.md.",
            ],
            Loss = "ℓ",
            X = Entries(Forward("x")),
            Z = Entries(z),
            H = Entries(Forward("h")),
            S = Entries(Forward("s")),
            Yhat = Entries(Forward("ŷ")),
            DZ = Entries(Backward("∂ℓ/∂z")),
            DH = Entries(Backward("∂ℓ/∂h")),
            DS = Entries(Backward("∂ℓ/∂s")),
            DYhat = Entries(Backward("∂ℓ/∂ŷ")),
            LossValue = Entries(Forward("ℓ"))[0],
            A = Flat("A", A),
            DA = Entries(Backward("∂ℓ/∂A")),
            HiddenBias = s.Bias ? Flat("a", weights.HiddenBias!) : [],
            DHiddenBias = Entries(Backward("∂ℓ/∂a")),
            B = Flat("B", B),
            DB = Entries(Backward("∂ℓ/∂B")),
            OutputBias = s.Bias ? Flat("b", weights.OutputBias!) : [],
            DOutputBias = Entries(Backward("∂ℓ/∂b")),
            Y = Flat("y", y),
            FPrime = z.Value.Select(v => Equations.Derivative(s.Activation, v)).ToArray(),
            Jacobian = Backward("∂ŷ/∂s")!.Value,
            LossFactor = Backward("∂ℓ/∂ŷ")!.Value,
        };
    }

    /// <summary>A symbol's name before its definition: "z" of "z = A x + a".</summary>
    private static string Head(string symbol)
    {
        int at = symbol.IndexOf(" =", StringComparison.Ordinal);
        return at < 0 ? symbol : symbol[..at];
    }

    /// <summary>The quantities of a step that hold one row per sample of the batch.</summary>
    private static readonly HashSet<string> PerSample = ["X", "Y", "Z", "H", "S", "Yhat", "dS", "dH", "dZ"];

    /// <summary>
    /// The graph of one sample of the learner's trace at the step of the first difference (step 1 when all
    /// agree): the batch row where the first differing quantity differs most when it has one row per
    /// sample, else the batch's first row. The learner's numbers are drawn where the trace has them, the
    /// reference's (grey) where it does not.
    /// </summary>
    public static GraphSheet FromDiff(string path, TraceFile trace, DiffReport report)
    {
        NetworkShape shape = trace.Shape;
        int D = shape.D, H = shape.H, C = shape.C;
        DiffRow? first = report.First;
        int number = first?.Step ?? 1;
        IReadOnlyList<TraceStep> reference = TraceDiff.Recompute(trace, Mistake.None);
        TraceStep refStep = reference[number - 1];
        TraceStep? theirs = trace.Steps.FirstOrDefault(t => t.Number == number);
        int N = refStep.Batch.Length;
        TraceTensor? FirstTheirs() => first is null ? null : theirs?.Find(first.Name);
        TraceTensor? FirstReference() => first is null ? null : refStep.Find(first.Name);
        bool firstComparable = first is not null && FirstTheirs() is TraceTensor ft
            && FirstReference() is TraceTensor fr && ft.Shape.SequenceEqual(fr.Shape);

        // The sample drawn, and the worst entry of the first difference.
        int row = 0, worst = 0;
        if (firstComparable)
        {
            double[] t = FirstTheirs()!.Values, r = FirstReference()!.Values;
            double largest = -1;
            for (int i = 0; i < t.Length; i++)
            {
                double d = Math.Abs(t[i] - r[i]);
                if (double.IsNaN(d)) d = double.PositiveInfinity;
                if (d > largest) { largest = d; worst = i; }
            }
            if (PerSample.Contains(first!.Name) && FirstReference()!.Shape.Length == 2) row = worst
                / FirstReference()!.Shape[1];
        }
        int dataRow = refStep.Batch[row];
        string[] features = trace.Data.Features ?? Enumerable.Range(1, D).Select(d => $"feature {d}").ToArray();
        string[] classes = trace.Data.Classes ?? Enumerable.Range(0, C).Select(k => $"class {k}").ToArray();
        string fileRow = trace.Data.Rows is int[] rows ? $"file row {rows[dataRow] + 1}" : $"data row {dataRow + 1}";

        // The weights the step started from: the file's, or the reference's after the step before.
        TraceStep? before = number > 1 ? reference[number - 2] : null;
        double[] A = before?.Find("A_after")!.Values ?? trace.Initial.A.SelectMany(r => r).ToArray();
        double[] B = before?.Find("B_after")!.Values ?? trace.Initial.B.SelectMany(r => r).ToArray();
        double[] a = shape.Bias ? before?.Find("a_after")!.Values ?? trace.Initial.HiddenBias! : [];
        double[] b = shape.Bias ? before?.Find("b_after")!.Values ?? trace.Initial.OutputBias! : [];

        HashSet<(string, int)> inputs = first is null ? [] : Inputs(first.Name, worst, row, D, H, C, shape.Bias,
            firstComparable);

        GraphEntry Entry(string name, int index)
        {
            TraceTensor? r = refStep.Find(name);
            TraceTensor? t = theirs?.Find(name);
            double refValue = r?.Values[index] ?? double.NaN;
            DiffRow? diff = report.Rows.FirstOrDefault(d => d.Step == number && d.Name == name);
            GraphEntry entry;
            if (t is null || diff is null) entry = new GraphEntry(name, index, refValue, GraphMark.Missing);
            else if (!t.Shape.SequenceEqual(r!.Shape))
                entry = new GraphEntry(name, index, refValue, diff == first ? GraphMark.Wrong : GraphMark.Later,
                    refValue,
                    $"yours is {t.ShapeText}, the reference's {r.ShapeText}");
            else if (diff.Agrees) entry = new GraphEntry(name, index, t.Values[index], GraphMark.Agrees);
            else if (diff != first) entry = new GraphEntry(name, index, t.Values[index], GraphMark.Later, refValue);
            else
            {
                var (abs, _) = TraceDiff.Difference(t.Values.AsSpan(index, 1), r.Values.AsSpan(index, 1));
                double scale = r.Values.Select(Math.Abs).DefaultIfEmpty(0).Max();
                bool wrong = double.IsNaN(abs) || abs > report.Tolerance * scale || (scale == 0 && abs > 0);
                entry = new GraphEntry(name, index, t.Values[index], wrong ? GraphMark.Wrong : GraphMark.Agrees,
                    refValue);
            }
            if (inputs.Contains((name, index)) && entry.Mark is GraphMark.Agrees or GraphMark.Missing or
                GraphMark.Plain)
                entry = entry with { Mark = GraphMark.Input };
            return entry;
        }
        GraphEntry[] Sample(string name, int K) => Enumerable.Range(0, K).Select(k => Entry(name,
            row * K + k)).ToArray();
        GraphEntry[] Tensor(string name, int count) => refStep.Find(name) is null ? [] : Enumerable.Range(0,
            count).Select(i => Entry(name, i)).ToArray();
        GraphEntry[] Weights(string name, double[] values) =>
            values.Select((v, i) => new GraphEntry(name, i, v, inputs.Contains((name,
                i)) ? GraphMark.Input : GraphMark.Plain)).ToArray();

        GraphEntry[] z = Sample("Z", H), yhat = Sample("Yhat", C), y = Sample("Y", C), dZ = Sample("dZ", H);
        // Where their dZ is the first difference, the factor their own numbers put on z_i → h_i: their dZ over their
        // dH.
        TraceTensor? dH = theirs?.Find("dH") ?? refStep.Find("dH");
        double?[] fPrimeTheirs = first?.Name == "dZ" && firstComparable && dH is not null
            ? dZ.Select((e, i) => e.Mark == GraphMark.Wrong && dH.Values[row * H + i] != 0 ? e.Value / dH.Values[row * H
                + i] : (double?)null)
                .ToArray()
            : [];
        double[] yhatValues = yhat.Select(e => e.Value).ToArray(), yValues = y.Select(e => e.Value).ToArray();
        double[] jacobian = Equations.SoftmaxJacobian(yhatValues);

        var chips = new List<(string, GraphMark)>();
        foreach (var (name, _) in TraceComputation.Order.Where(q => q.Equation is 15 or 16))
        {
            if (refStep.Find(name) is null) continue;
            DiffRow? d = report.Rows.FirstOrDefault(r => r.Step == number && r.Name == name);
            GraphMark mark = d is null ? GraphMark.Missing : d.Agrees ? GraphMark.Agrees : d == first ? GraphMark.Wrong
                : GraphMark.Later;
            if (first is not null && Updates(first.Name).Contains(name)
                && mark is GraphMark.Agrees or GraphMark.Missing) mark = GraphMark.Input;
            chips.Add((name, mark));
        }

        return new GraphSheet
        {
            Shape = shape,
            Features = features,
            Classes = classes,
            Title = $"Your trace {Path.GetFileName(path)} against the reference: step {number}, "
                + $"batch row {row + 1} of {N} ({fileRow}, class {classes[trace.Data.Labels[dataRow]]})",
            Header =
            [
                first is null
                    ? "Every quantity of your trace agrees with the reference (recomputed in float64 from your " +
                        "starting weights and data)."
                    : PerSample.Contains(first.Name) && firstComparable
                        ? $"Drawn: the sample where {first.Name}, the first quantity that differs, differs most. " +
                            $"Gradients are of L, the batch's mean loss (1/N of one sample's)."
                        : $"Drawn: the batch's first sample ({first.Name}, the first quantity that differs, is not " +
                            $"per sample). Gradients are of L, the batch's mean loss.",
                "Each box is one number of your trace, its value above its gradient; each edge carries its local " +
                    "derivative (equation numbers: docs/derivation.md).",
            ],
            Loss = "L",
            X = Sample("X", D),
            Z = z,
            H = Sample("H", H),
            S = Sample("S", C),
            Yhat = yhat,
            DZ = dZ,
            DH = Sample("dH", H),
            DS = Sample("dS", C),
            DYhat = new GraphEntry?[C],
            LossValue = Entry("L", 0),
            A = Weights("A", A),
            DA = Tensor("dA", H * D),
            HiddenBias = Weights("a", a),
            DHiddenBias = shape.Bias ? Tensor("da", H) : [],
            B = Weights("B", B),
            DB = Tensor("dB", C * H),
            OutputBias = Weights("b", b),
            DOutputBias = shape.Bias ? Tensor("db", C) : [],
            Y = y,
            FPrime = z.Select(e => Equations.Derivative(shape.Activation, e.Value)).ToArray(),
            FPrimeTheirs = fPrimeTheirs,
            Jacobian = jacobian,
            LossFactor = Equations.dYhat(yhatValues, yValues),
            Chips = chips,
            Footer = Footer(first, report, refStep, theirs, worst, row, N, fPrimeTheirs, shape),
        };
    }

    /// <summary>
    /// The entries the worst entry of the first difference is computed from, as (quantity, index) in the
    /// step's tensors (row <paramref name="row"/> for the per-sample ones).
    /// </summary>
    private static HashSet<(string, int)> Inputs(string name, int worst, int row, int D, int H, int C, bool bias,
        bool comparable)
    {
        var set = new HashSet<(string, int)>();
        void Row(string q, int K, params int[] columns)
        {
            foreach (int c in columns) set.Add((q, row * K + c));
        }
        int[] All(int K) => Enumerable.Range(0, K).ToArray();
        // Without an entry (shapes differ), the inputs of the whole quantity at this sample.
        int at = comparable ? worst : -1;
        int col(int K) => at < 0 ? -1 : at % K;
        switch (name)
        {
            case "Z":
                Row("X", D, All(D));
                foreach (int i in at < 0 ? All(H) : [col(H)])
                {
                    for (int d = 0; d < D; d++) set.Add(("A", i * D + d));
                    if (bias) set.Add(("a", i));
                }
                break;
            case "H": Row("Z", H, at < 0 ? All(H) : [col(H)]); break;
            case "S":
                Row("H", H, All(H));
                foreach (int j in at < 0 ? All(C) : [col(C)])
                {
                    for (int i = 0; i < H; i++) set.Add(("B", j * H + i));
                    if (bias) set.Add(("b", j));
                }
                break;
            case "Yhat": Row("S", C, All(C)); break;
            case "L": Row("Yhat", C, All(C)); Row("Y", C, All(C)); break;
            case "dS":
                int[] js = at < 0 ? All(C) : [col(C)];
                Row("Yhat", C, js);
                Row("Y", C, js);
                break;
            case "dB":
            case "gB":
                int jb = at < 0 ? -1 : at / H, ib = at < 0 ? -1 : at % H;
                if (name == "gB") { set.Add(("dB", at)); set.Add(("B", at)); break; }
                Row("dS", C, jb < 0 ? All(C) : [jb]);
                Row("H", H, ib < 0 ? All(H) : [ib]);
                break;
            case "db": Row("dS", C, at < 0 ? All(C) : [at]); break;
            case "gb": set.Add(("db", at)); break;
            case "dH":
                Row("dS", C, All(C));
                foreach (int i in at < 0 ? All(H) : [col(H)])
                    for (int j = 0; j < C; j++) set.Add(("B", j * H + i));
                break;
            case "dZ":
                int[] iz = at < 0 ? All(H) : [col(H)];
                Row("dH", H, iz);
                Row("Z", H, iz);
                break;
            case "dA":
            case "gA":
                if (name == "gA") { set.Add(("dA", at)); set.Add(("A", at)); break; }
                Row("dZ", H, at < 0 ? All(H) : [at / D]);
                Row("X", D, at < 0 ? All(D) : [at % D]);
                break;
            case "da": Row("dZ", H, at < 0 ? All(H) : [at]); break;
            case "ga": set.Add(("da", at)); break;
            case "A_after": set.Add(("A", at)); break;
            case "a_after": set.Add(("a", at)); break;
            case "B_after": set.Add(("B", at)); break;
            case "b_after": set.Add(("b", at)); break;
        }
        return set;
    }

    /// <summary>The update quantities (chips) that <paramref name="name"/> is computed from.</summary>
    private static string[] Updates(string name) => name switch
    {
        "vA" => ["gA"],
        "va" => ["ga"],
        "vB" => ["gB"],
        "vb" => ["gb"],
        "A_after" => ["vA"],
        "a_after" => ["va"],
        "B_after" => ["vB"],
        "b_after" => ["vb"],
        _ => [],
    };

    /// <summary>How each quantity of a trace step is computed (batch form, docs/derivation.md) and from what.</summary>
    private static (string Formula, string From) Recipe(string name) => name switch
    {
        "X" => ("the batch's rows of data.X", "the data"),
        "Y" => ("one-hot rows of the labels (5)", "the labels"),
        "Z" => ("Z = X Aᵀ + 1aᵀ (1)", "x, A and a"),
        "H" => ("H = f(Z) (2)", "z"),
        "S" => ("S = H Bᵀ + 1bᵀ (3)", "h, B and b"),
        "Yhat" => ("Ŷ = softmax of each row of S, its maximum subtracted (4)", "s"),
        "L" => ("L = −(1/N) Σ_n Σ_k y_nk ln ŷ_nk (5)", "ŷ and y"),
        "dS" => ("dS = (Ŷ − Y)/N (7): the full softmax Jacobian (6), summed", "ŷ and y"),
        "dB" => ("dB = dSᵀ H (8), a sum over the batch", "∂L/∂s and h"),
        "db" => ("db = the column sums of dS (12)", "∂L/∂s"),
        "dH" => ("dH = dS B (9)", "∂L/∂s and B"),
        "dZ" => ("dZ = dH ⊙ f′(Z) (10, 13)", "∂L/∂h and z (through f′)"),
        "dA" => ("dA = dZᵀ X (11), a sum over the batch", "∂L/∂z and x"),
        "da" => ("da = the column sums of dZ (12)", "∂L/∂z"),
        "gA" => ("gA = dA + λA (15)", "dA and A"),
        "gB" => ("gB = dB + λB (15)", "dB and B"),
        "ga" => ("ga = da (15)", "da"),
        "gb" => ("gb = db (15)", "db"),
        "vA" or "va" or "vB" or "vb" => ($"{name} = μ {name} + g{name[1..]} (16)",
            $"g{name[1..]} and the last step's {name}"),
        _ => ($"{name[0]} ← {name[0]} − η v{name[0]} (16)", $"{name[0]} and v{name[0]}"),
    };

    private static IReadOnlyList<string> Footer(DiffRow? first, DiffReport report, TraceStep refStep, TraceStep? theirs,
        int worst, int row,
        int N, double?[] fPrimeTheirs, NetworkShape shape)
    {
        if (first is null) return
            [$"All {report.Rows.Count} quantities agree (relative tolerance " +
            $"{report.Tolerance.ToString("0.0E+0", CultureInfo.InvariantCulture)})."];
        var (formula, from) = Recipe(first.Name);
        TraceTensor r = refStep.Find(first.Name)!;
        TraceTensor t = theirs!.Find(first.Name)!;
        var lines = new List<string>();
        if (!t.Shape.SequenceEqual(r.Shape))
            lines.Add($"FIRST DIFFERENCE: step {first.Step}, {first.Name} (equation {first.Equation}) has shape " +
                $"{t.ShapeText}; the reference's is {r.ShapeText}.");
        else
        {
            string at = r.Shape.Length == 2 ? $"[{worst / r.Shape[1] + 1}, {worst % r.Shape[1] + 1}]" : r.Shape.Length
                == 1 ? $"[{worst + 1}]" : "";
            lines.Add($"FIRST DIFFERENCE: step {first.Step}, {first.Name}{at} (equation {first.Equation}): yours " +
                $"{Number(t.Values[worst], r.Values[worst])}, "
                + $"the reference's {Number(r.Values[worst], t.Values[worst])} (red, the reference's value under " +
                    $"yours).");
        }
        lines.Add($"It is computed as {formula}, from {from} (yellow): those agree, so the mistake is in how your " +
            $"code computes {first.Name}.");
        if (t.Shape.SequenceEqual(r.Shape) && Ratio(t.Values, r.Values) is double ratio)
            lines.Add($"Every entry of your {first.Name} is the reference's times " +
                $"{Number(ratio, 1)}{RatioName(ratio, N)}.");
        // The unit of the worst entry, the one the first line names.
        int unit = fPrimeTheirs.ElementAtOrDefault(worst % shape.H) is null ? -1 : worst % shape.H;
        if (unit >= 0)
        {
            double z = refStep.Find("Z")!.Values[row * shape.H + unit];
            double reference = Equations.Derivative(shape.Activation, z);
            lines.Add($"Your dZ / dH is the f′ your code used: {Number(fPrimeTheirs[unit]!.Value, reference)} on " +
                $"z{unit + 1} → h{unit + 1} "
                + $"(red, under the edge); f′(z) of {Names.Of(shape.Activation)} (13) is " +
                    $"{Number(reference, fPrimeTheirs[unit]!.Value)} there.");
        }
        int differing = report.Rows.Count(d => !d.Agrees);
        lines.Add($"{differing} of {report.Rows.Count} quantities differ; everything before {first.Name} agrees " +
            $"(green). Orange: differs too, after it.");
        if (report.Diagnoses.Count > 0)
            lines.Add("A known mistake reproduces it: " + string.Join("; ",
                report.Diagnoses.Select(d =>
                $"{MistakeCatalogue.Key(d.Mistake)}: {MistakeCatalogue.Describe(d.Mistake)}")));
        return lines;
    }

    /// <summary>
    /// The one factor that takes <paramref name="reference"/> to <paramref name="theirs"/> in every entry whose
    /// reference is not 0 (within 1e-9 relative, those at 0 staying at 0), when it is not 1; else null.
    /// </summary>
    private static double? Ratio(double[] theirs, double[] reference)
    {
        double scale = reference.Select(Math.Abs).DefaultIfEmpty(0).Max();
        double? ratio = null;
        for (int i = 0; i < reference.Length; i++)
        {
            if (Math.Abs(reference[i]) <= 1e-12 * scale)
            {
                if (Math.Abs(theirs[i]) > 1e-9 * scale) return null;
                continue;
            }
            double q = theirs[i] / reference[i];
            if (!double.IsFinite(q)) return null;
            ratio ??= q;
            if (Math.Abs(q - ratio.Value) > 1e-9 * Math.Abs(ratio.Value)) return null;
        }
        return ratio is double v && Math.Abs(v - 1) > 1e-9 ? v : null;
    }

    /// <summary>What a ratio of a whole quantity to the reference's most likely is: 1/N, N, a sign, a factor
    /// 2.</summary>
    private static string RatioName(double ratio, int N)
    {
        static bool Is(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Abs(b);
        string n = N.ToString(CultureInfo.InvariantCulture);
        return ratio switch
        {
            _ when Is(ratio, 1.0 / N) => $" = 1/N (N = {n}): an extra division by N",
            _ when Is(ratio, N) => $" = N (N = {n}): a division by N missing",
            _ when Is(ratio, -1) => ": the sign is flipped",
            _ when Is(ratio, 2) || Is(ratio, 0.5) => ": a factor 2",
            _ => "",
        };
    }

    /// <summary>
    /// <paramref name="v"/> with 6 decimals, as explain prints, or with as many significant digits as it
    /// takes to tell it from <paramref name="other"/>.
    /// </summary>
    public static string Number(double v, double other)
    {
        string a = GraphPlotText.N(v), b = GraphPlotText.N(other);
        for (int digits = 7; a == b && digits <= 17 && v != other; digits++)
        {
            a = v.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            b = other.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }
        return a;
    }
}

/// <summary>The number formats of the graph: those of explain's tables.</summary>
public static class GraphPlotText
{
    /// <summary>Six decimals, no "-0", ±∞ spelled out: explain's format.</summary>
    public static string N(double v) => double.IsFinite(v)
        ? (v == 0 ? 0.0 : v).ToString("0.000000", CultureInfo.InvariantCulture)
        : double.IsNaN(v) ? "NaN" : double.IsNegativeInfinity(v) ? "−∞" : "∞";
}
