namespace IrisNet.Scoring;

/// <summary>How a model does on a labelled set: loss, accuracy, confusion matrix and per-class scores.</summary>
public sealed class Evaluation
{
    /// <summary>Builds the scores from a confusion matrix (rows: actual class, columns: predicted class).</summary>
    public Evaluation(IReadOnlyList<string> classNames, int[][] confusion, double loss)
    {
        int C = classNames.Count;
        ClassNames = classNames;
        Confusion = confusion;
        Loss = loss;
        Precision = new double[C];
        Recall = new double[C];
        F1 = new double[C];
        long total = 0, right = 0;
        for (int k = 0; k < C; k++)
        {
            long tp = confusion[k][k], actual = 0, predicted = 0;
            for (int j = 0; j < C; j++)
            {
                actual += confusion[k][j];
                predicted += confusion[j][k];
                total += confusion[k][j];
            }
            right += tp;
            // Precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2PR / (P + R); 0 where undefined.
            Precision[k] = predicted > 0 ? (double)tp / predicted : 0;
            Recall[k] = actual > 0 ? (double)tp / actual : 0;
            F1[k] = Precision[k] + Recall[k] > 0 ? 2 * Precision[k] * Recall[k] / (Precision[k] + Recall[k]) : 0;
        }
        Count = (int)total;
        Accuracy = total > 0 ? (double)right / total : 0;
    }

    /// <summary>Class names, the order of every per-class array.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Confusion[actual][predicted].</summary>
    public int[][] Confusion { get; }

    /// <summary>Mean cross-entropy.</summary>
    public double Loss { get; }

    /// <summary>Fraction correct.</summary>
    public double Accuracy { get; }

    /// <summary>Number of rows evaluated.</summary>
    public int Count { get; }

    /// <summary>Per-class precision.</summary>
    public double[] Precision { get; }

    /// <summary>Per-class recall.</summary>
    public double[] Recall { get; }

    /// <summary>Per-class F1.</summary>
    public double[] F1 { get; }
}
