using System.Text.Json.Serialization;
using IrisNet.Scoring;

namespace IrisNet.Cli.Output;

/// <summary>
/// An <see cref="Evaluation"/> as JSON: rows, loss, accuracy, confusion matrix and per-class scores.
/// The matrix is written whole (<c>confusion</c>, C rows of C counts) up to
/// <see cref="ConfusionDigest.DenseLimit"/> classes; above that only its nonzero cells
/// (<c>confusion_cells</c>, [actual, predicted, count] by class index), so the file grows with the
/// rows and classes, not with C².
/// </summary>
public record EvaluationJson(int Rows, double Loss, double Accuracy, int[][]? Confusion, int[][]? ConfusionCells,
    Dictionary<string, EvaluationJson.ClassScores> PerClass)
{
    /// <summary>The constructor summary.json is read with: one of confusion and confusion_cells is absent.</summary>
    [JsonConstructor]
    public EvaluationJson(int rows, double loss, double accuracy, Dictionary<string, ClassScores> perClass,
        int[][]? confusion = null, int[][]? confusionCells = null)
        : this(rows, loss, accuracy, confusion, confusionCells, perClass)
    {
    }

    public static EvaluationJson From(Evaluation e)
    {
        var perClass = new Dictionary<string, ClassScores>(StringComparer.Ordinal);
        for (int k = 0; k < e.ClassNames.Count; k++) perClass[e.ClassNames[k]] = new ClassScores(e.Precision[k],
            e.Recall[k], e.F1[k]);
        bool dense = e.ClassNames.Count <= ConfusionDigest.DenseLimit;
        return new EvaluationJson(e.Count, e.Loss, e.Accuracy, dense ? e.Confusion : null,
            dense ? null : ConfusionDigest.Cells(e.Confusion), perClass);
    }

    /// <summary>Precision, recall and F1 of one class.</summary>
    public sealed record ClassScores(double Precision, double Recall, double F1);
}
