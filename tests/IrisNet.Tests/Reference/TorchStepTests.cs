using System.Text.Json.Nodes;
using IrisNet.Reference;
using Xunit;

namespace IrisNet.Tests;

/// <summary>
/// The reference's Adam, AdamW and Nesterov members (Eqs. 17–22) against torch.optim, step by step:
/// Fixtures/optimizer-steps/steps.json holds four steps of each on a tiny tanh network (D = 2, H = 3,
/// C = 2, N = 4), the weights and the state (m and r, or v) after every step, made once with torch 1.13
/// by make_steps.py beside it. The gradients here are the reference network's own (Eqs. 7–14).
/// </summary>
public sealed class TorchStepTests
{
    private static readonly JsonNode Fixture = JsonNode.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "optimizer-steps", "steps.json")))!;

    /// <summary>
    /// Torch fuses some multiply-adds and sums in another order; what is left is rounding, far below
    /// any mistake of a rule (the catalogue's smallest changes a step by more than 1e-6 relative).
    /// </summary>
    private const double Tolerance = 1e-13;

    [Theory]
    [InlineData("adam")]
    [InlineData("adam-l2")]
    [InlineData("adamw")]
    [InlineData("nesterov")]
    public void The_reference_steps_as_torch_optim_does(string name)
    {
        JsonNode c = Fixture["cases"]!.AsArray().Single(n => (string)n!["name"]! == name)!;
        double[][] X = Matrix(Fixture["X"]!);
        int[] labels = [.. Fixture["labels"]!.AsArray().Select(n => (int)n!)];
        int classes = (int)Fixture["classes"]!;
        double[][] Y = [.. labels.Select(y => Enumerable.Range(0, classes).Select(k => k == y ? 1.0 : 0).ToArray())];
        Parameters w = Of(Fixture["initial"]!);
        double lr = (double)c["lr"]!;
        bool nesterov = (string)c["optimizer"]! == "nesterov";
        double l2 = c["l2"] is JsonNode l ? (double)l : 0;
        var momentum = nesterov ? new Nesterov(lr, (double)c["momentum"]!, l2) : null;
        var adam = nesterov ? null : new Adam(lr, (double)c["beta1"]!, (double)c["beta2"]!, (double)c["epsilon"]!,
            l2, (string)c["optimizer"]! == "adamw" ? (double)c["weight_decay"]! : 0);
        Parameters? v = null, m = null, r = null;
        int t = 0;
        foreach (JsonNode step in c["steps"]!.AsArray().Select(s => s!))
        {
            t++;
            var (forward, gradients) = ReferenceNetwork.ForwardBackward(w, Activation.Tanh, X, Y);
            Close((double)step["loss"]!, forward.L, $"{name} step {t} loss");
            if (momentum is not null)
            {
                StepResult s = momentum.Step(w, gradients.dTheta, v);
                (v, w) = (s.Velocity, s.Weights);
                Close(Of(step["v"]!), v, $"{name} step {t} v");
            }
            else
            {
                AdamStepResult s = adam!.Step(w, gradients.dTheta, m, r, t);
                (m, r, w) = (s.FirstMoment, s.SecondMoment, s.Weights);
                Close(Of(step["m"]!), m, $"{name} step {t} m");
                Close(Of(step["r"]!), r, $"{name} step {t} r");
            }
            Close(Of(step["weights"]!), w, $"{name} step {t} θ");
        }
        Assert.Equal(4, t);
    }

    private static void Close(Parameters expected, Parameters actual, string what)
    {
        foreach (var (e, x, tensor) in new[]
        {
            (Flat(expected.A), Flat(actual.A), "A"), (expected.HiddenBias!, actual.HiddenBias!, "a"),
            (Flat(expected.B), Flat(actual.B), "B"), (expected.OutputBias!, actual.OutputBias!, "b"),
        })
        {
            Assert.Equal(e.Length, x.Length);
            double scale = e.Max(Math.Abs), worst = e.Zip(x).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(worst <= Tolerance * scale, $"{what} {tensor}: max |torch − reference| {worst:E3}, "
                + $"{worst / scale:E3} of max |torch| {scale:E3}");
        }
    }

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance * Math.Abs(expected),
            $"{what}: {actual:R} vs {expected:R}");

    private static Parameters Of(JsonNode n) =>
        new(Matrix(n["A"]!), Vector(n["a"]!), Matrix(n["B"]!), Vector(n["b"]!));

    private static double[][] Matrix(JsonNode n) => [.. n.AsArray().Select(row => Vector(row!))];

    private static double[] Vector(JsonNode n) => [.. n.AsArray().Select(x => (double)x!)];

    private static double[] Flat(double[][] m) => [.. m.SelectMany(row => row)];
}
