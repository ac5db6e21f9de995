using IrisNet.Scoring;

namespace IrisNet.Cli.Output;

/// <summary>
/// A confusion matrix too large to show whole, cut down to the classes that matter: the
/// <c>keep</c> classes with the most errors (row plus column off the diagonal, ties by class
/// order), and one pooled class "other" holding every remaining class. Every count survives:
/// a cell of the digest is the sum of the cells it stands for, so the digest's total, diagonal
/// and error counts are those of the full matrix (the "other" diagonal cell also holds confusions
/// among the pooled classes). Costs O(C²) to read the matrix once and O(keep²) to build.
/// </summary>
public sealed class ConfusionDigest
{
    /// <summary>Up to this many classes are shown whole in JSON, on the terminal and in confusion.png.</summary>
    public const int DenseLimit = 30;

    private ConfusionDigest(string[] names, int[] classes, long[][] counts, int pooled)
    {
        Names = names;
        Classes = classes;
        Counts = counts;
        Pooled = pooled;
    }

    /// <summary>Row and column names: the kept classes, then "other (N classes)" when any were pooled.</summary>
    public string[] Names { get; }

    /// <summary>The class index of each kept row; the pooled row (last, when <see cref="Pooled"/> &gt; 0) has
    /// none.</summary>
    public int[] Classes { get; }

    /// <summary>Counts[actual][predicted] over the digest's rows and columns.</summary>
    public long[][] Counts { get; }

    /// <summary>How many classes the "other" row and column pool (0: the matrix is whole).</summary>
    public int Pooled { get; }

    /// <summary>The whole matrix when it has at most <paramref name="keep"/> + 1 classes, else the digest.</summary>
    public static ConfusionDigest Of(Evaluation e, int keep)
    {
        int C = e.ClassNames.Count;
        int[][] m = e.Confusion;
        if (C <= keep + 1)
        {
            long[][] whole = m.Select(r => r.Select(v => (long)v).ToArray()).ToArray();
            return new ConfusionDigest(e.ClassNames.ToArray(), Enumerable.Range(0, C).ToArray(), whole, 0);
        }
        var errors = new long[C];
        for (int k = 0; k < C; k++)
        {
            int[] row = m[k];
            for (int j = 0; j < C; j++)
            {
                if (j == k || row[j] == 0) continue;
                errors[k] += row[j];
                errors[j] += row[j];
            }
        }
        int[] kept = Enumerable.Range(0, C).OrderByDescending(k => errors[k]).ThenBy(k
            => k).Take(keep).Order().ToArray();
        // slot[k]: the digest row of class k; the pooled row is the last.
        var slot = new int[C];
        Array.Fill(slot, keep);
        for (int i = 0; i < kept.Length; i++) slot[kept[i]] = i;
        var counts = new long[keep + 1][];
        for (int i = 0; i <= keep; i++) counts[i] = new long[keep + 1];
        for (int k = 0; k < C; k++)
        {
            int[] row = m[k];
            long[] target = counts[slot[k]];
            for (int j = 0; j < C; j++)
                if (row[j] != 0) target[slot[j]] += row[j];
        }
        int pooled = C - keep;
        string[] names = kept.Select(k => e.ClassNames[k]).Append($"other ({pooled} classes)").ToArray();
        return new ConfusionDigest(names, kept, counts, pooled);
    }

    /// <summary>
    /// The nonzero cells of the matrix as [actual, predicted, count], actual then predicted in
    /// increasing order: at most min(C², rows) entries, where the dense matrix has C².
    /// </summary>
    public static int[][] Cells(int[][] confusion)
    {
        var cells = new List<int[]>();
        for (int k = 0; k < confusion.Length; k++)
            for (int j = 0; j < confusion[k].Length; j++)
                if (confusion[k][j] != 0) cells.Add([k, j, confusion[k][j]]);
        return cells.ToArray();
    }
}
