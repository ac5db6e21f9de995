namespace IrisNet.Cli;

/// <summary>An <see cref="Evaluation"/> as JSON: rows, loss, accuracy, confusion matrix and per-class scores.</summary>
public record EvaluationJson(int Rows, double Loss, double Accuracy, int[][] Confusion,
    Dictionary<string, EvaluationJson.ClassScores> PerClass)
{
    public static EvaluationJson From(Evaluation e)
    {
        var perClass = new Dictionary<string, ClassScores>(StringComparer.Ordinal);
        for (int k = 0; k < e.ClassNames.Count; k++) perClass[e.ClassNames[k]] = new ClassScores(e.Precision[k], e.Recall[k], e.F1[k]);
        return new EvaluationJson(e.Count, e.Loss, e.Accuracy, e.Confusion, perClass);
    }

    /// <summary>Precision, recall and F1 of one class.</summary>
    public sealed record ClassScores(double Precision, double Recall, double F1);
}
