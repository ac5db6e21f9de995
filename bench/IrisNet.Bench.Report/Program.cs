using System.Globalization;
using System.Text;
using System.Text.Json;
using ScottPlot;

namespace IrisNet.Bench.Report;

/// <summary>One benchmark case from BenchmarkDotNet's JSON: type, method, parameters, time, allocation.</summary>
/// <remarks>
/// The time, <c>MinNs</c>, is what every table and ratio of the report uses: the fastest of the measured iterations,
/// each of which is itself the average of many calls. The machine is a shared virtual machine whose host at times gives
/// its processors to other work for seconds at a time, which a mean of three iterations takes in and the fastest
/// mostly does not (the roofline, the clock and the thread check use the fastest runs for the same reason).
/// </remarks>
public sealed record Case(string Type, string Method, Dictionary<string, string> Parameters, double MinNs, long? Bytes)
{
    public int Int(string name) => int.Parse(Parameters[name], CultureInfo.InvariantCulture);

    public string Precision => Type.Contains("Double", StringComparison.Ordinal) ? "float64" : "float32";
}

/// <summary>
/// The interleaved clock check (clock-check.json in the results folder, written by IrisNet.Bench after the
/// report suite or by its --clock-check): the fastest FMA loops and the multiplication and addition chains'
/// clocks, measured in turn in one process, and the FMA loops' shares of 2 pipes × lanes × 2 FLOP × each
/// clock, from the fastest runs and as the median of the rounds.
/// </summary>
public sealed record ClockCheck(int Rounds, DateTime Utc, double PeakDouble, double PeakFloat,
    double MulGhz, double ShareDouble, double ShareFloat, double MedianShareDouble, double MedianShareFloat,
    double AddGhz, double AddShareDouble, double AddShareFloat)
{
    public const string FileName = "clock-check.json";

    /// <summary>The check in <paramref name="dir"/>, or null when it was not run there.</summary>
    public static ClockCheck? Read(string dir) => CheckFile.Read(dir, FileName, (root, rounds, utc) =>
    {
        JsonElement fma = root.GetProperty("fma_gflops"), mul = root.GetProperty("mul_chain"),
            add = root.GetProperty("add_chain");
        static double Get(JsonElement e, string name, string precision)
            => e.GetProperty(name).GetProperty(precision).GetDouble();
        return new ClockCheck(rounds, utc,
            fma.GetProperty("float64").GetDouble(), fma.GetProperty("float32").GetDouble(),
            mul.GetProperty("ghz").GetDouble(), Get(mul, "share", "float64"), Get(mul, "share", "float32"),
            Get(mul, "median_share", "float64"), Get(mul, "median_share", "float32"),
            add.GetProperty("ghz").GetDouble(), Get(add, "share", "float64"), Get(add, "share", "float32"));
    });
}

/// <summary>One case of the thread check: fastest epochs in µs on 1 and 2 threads, their ratio, the median
/// per-round ratio, the machine's FMA two-thread speed-up (fastest-based and median per round), and the
/// rounds in which that speed-up reached the file's two-core threshold, with the median ratio over them; the
/// processors the process held during the 2-thread slices (median per round), and the clean rounds (on two
/// cores, and the 2-thread slice held two processors), with the median ratio over them.</summary>
public sealed record ThreadCase(string Precision, int N, int H, int EpochsPerSlice, double FastestOneUs,
    double FastestTwoUs,
    double Speedup, double MedianSpeedup, double FmaSpeedup, double MedianFmaSpeedup, int TwoCoreRounds,
        double? TwoCoreMedianSpeedup,
    double MedianProcessors, int CleanRounds, double? CleanMedianSpeedup, double FmaOneGflops)
{
    /// <summary>The 1-thread epoch's fastest time over its FLOP at the one-thread FMA loop's fastest rate in the same
    /// rounds.</summary>
    public double RooflineRatio => FastestOneUs * 1000 / (2.0 * N * H * (2 * 4 + 3 * 3) / FmaOneGflops);
}

/// <summary>
/// The interleaved thread check (thread-check.json in the results folder, written by IrisNet.Bench after
/// the report suite or by its --thread-check): per case, a 1-thread and a 2-thread network and the FMA loop
/// on one and on two threads, measured in turn in one process, round after round.
/// </summary>
public sealed record ThreadCheck(int Rounds, DateTime Utc, double TwoCoreThreshold, List<ThreadCase> Cases)
{
    public const string FileName = "thread-check.json";

    /// <summary>The check in <paramref name="dir"/>, or null when it was not run there.</summary>
    public static ThreadCheck? Read(string dir) => CheckFile.Read(dir, FileName, (root, rounds, utc) =>
    {
        var cases = root.GetProperty("cases").EnumerateArray().Select(c =>
        {
            JsonElement fastest = c.GetProperty("fastest_epoch_us");
            double? Maybe(string name) => c.GetProperty(name) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble()
                : null;
            return new ThreadCase(c.GetProperty("precision").GetString()!, c.GetProperty("n").GetInt32(),
                c.GetProperty("h").GetInt32(),
                c.GetProperty("epochs_per_slice").GetInt32(), fastest.GetProperty("threads_1").GetDouble(),
                    fastest.GetProperty("threads_2").GetDouble(),
                c.GetProperty("speedup").GetDouble(), c.GetProperty("median_speedup").GetDouble(),
                c.GetProperty("fma_speedup").GetDouble(), c.GetProperty("median_fma_speedup").GetDouble(),
                c.GetProperty("two_core_rounds").GetInt32(), Maybe("two_core_median_speedup"),
                c.GetProperty("median_processors").GetDouble(), c.GetProperty("clean_rounds").GetInt32(),
                    Maybe("clean_median_speedup"),
                // The FMA pair's loop is 4 × Roofline.Iterations iterations of 12 chains: 4 · 100,000 · 12 · lanes · 2
                // FLOP.
                4 * 100_000 * 12.0 * (c.GetProperty("precision").GetString() == "float32" ? 8 : 4) * 2
                    / (1000 * c.GetProperty("per_round").GetProperty("fma_one_us").EnumerateArray().Min(v
                        => v.GetDouble())));
        }).ToList();
        return new ThreadCheck(rounds, utc,
            root.GetProperty("two_core_threshold").GetDouble(), cases);
    });
}

/// <summary>One precision and activation of the activation check: fastest epoch, its ratio to the identity's, the
/// median same-round ratio.</summary>
public sealed record ActivationCase(string Precision, string Activation, double FastestUs, double PerIdentity,
    double MedianPerIdentity);

/// <summary>
/// The interleaved activation check (activation-check.json in the results folder, written by IrisNet.Bench after
/// the report suite or by its --activation-check): the Iris epoch with each activation, in turn in one process.
/// </summary>
public sealed record ActivationCheck(int Rounds, DateTime Utc, int EpochsPerSlice, List<ActivationCase> Cases,
    double PeakFloat, double PeakDouble, double RooflineFloat, double RooflineDouble, List<ScalarCase> Scalars)
{
    public const string FileName = "activation-check.json";

    /// <summary>The check in <paramref name="dir"/>, or null when it was not run there.</summary>
    public static ActivationCheck? Read(string dir) => CheckFile.Read(dir, FileName, (root, rounds, utc) =>
    {
        var cases = root.GetProperty("cases").EnumerateArray().Select(c
            => new ActivationCase(c.GetProperty("precision").GetString()!,
            c.GetProperty("activation").GetString()!, c.GetProperty("fastest_epoch_us").GetDouble(),
                c.GetProperty("per_identity").GetDouble(),
            c.GetProperty("median_per_identity").GetDouble())).ToList();
        return new ActivationCheck(rounds, utc,
            root.GetProperty("epochs_per_slice").GetInt32(), cases,
            root.GetProperty("fma_peak_gflops").GetProperty("float32").GetDouble(),
                root.GetProperty("fma_peak_gflops").GetProperty("float64").GetDouble(),
            root.GetProperty("identity_roofline_ratio").GetProperty("float32").GetDouble(),
                root.GetProperty("identity_roofline_ratio").GetProperty("float64").GetDouble(),
            root.TryGetProperty("scalar_identity", out JsonElement scalars)
                ? [.. scalars.EnumerateArray().Select(c => new ScalarCase(c.GetProperty("precision").GetString()!,
                    c.GetProperty("fastest_epoch_us").GetDouble(),
                    c.GetProperty("vector_speedup").GetDouble(), c.GetProperty("median_vector_speedup").GetDouble()))]
                : []);
    });
}

/// <summary>The scalar identity epoch of the activation check: fastest µs, its ratio to the vector identity epoch's
/// fastest, the median same-round ratio.</summary>
public sealed record ScalarCase(string Precision, double FastestUs, double Speedup, double MedianSpeedup);

/// <summary>Reads an interleaved check's JSON file (see IrisNet.Bench's CheckFile): its rounds and UTC time, then its
/// own fields.</summary>
public static class CheckFile
{
    /// <summary>What <paramref name="make"/> builds from the file <paramref name="name"/> in <paramref name="dir"/>, or
    /// null when the check was not run there.</summary>
    public static T? Read<T>(string dir, string name, Func<JsonElement, int, DateTime, T> make) where T : class
    {
        string path = Path.Combine(dir, name);
        if (!File.Exists(path)) return null;
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement root = doc.RootElement;
        return make(root, root.GetProperty("rounds").GetInt32(),
            DateTime.Parse(root.GetProperty("utc").GetString()!, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));
    }
}

/// <summary>
/// Usage: IrisNet.Bench.Report RESULTS_DIR [results.md] [scaling.png] [notes.md] [whole-command.md].
/// Reads every *-report-full-compressed.json in RESULTS_DIR (BenchmarkDotNet's --exporters json),
/// the clock check's clock-check.json, the thread check's thread-check.json and the activation check's
/// activation-check.json when they are there,
/// measures each cell against the roofline
/// measured in the same run, and writes the table and the
/// plot, followed by the whole-command timings of the installed tool (default
/// bench/whole-command.md, written by bench/whole-command.sh) and the hand-written analysis in
/// notes.md (default bench/notes.md), each when it exists.
/// </summary>
public static class Program
{
    // The network's sizes in the benchmarks: Iris has D = 4 features and C = 3 classes.
    private const int D = 4, C = 3;

    public static int Main(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: IrisNet.Bench.Report RESULTS_DIR [results.md] [scaling.png] [notes.md] " +
                "[whole-command.md]");
            return 2;
        }
        string dir = args[0], md = args.Length > 1 ? args[1] : "bench/results.md",
            png = args.Length > 2 ? args[2] : "docs/images/scaling.png";
        string notes = args.Length > 3 ? args[3] : "bench/notes.md";
        string whole = args.Length > 4 ? args[4] : "bench/whole-command.md";
        var cases = new List<Case>();
        string cpu = "unknown", runtime = "unknown";
        foreach (string file in Directory.GetFiles(dir, "*-report-full-compressed.json"))
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(file));
            JsonElement host = doc.RootElement.GetProperty("HostEnvironmentInfo");
            cpu = $"{host.GetProperty("ProcessorName").GetString()}, " +
                $"{host.GetProperty("PhysicalCoreCount").GetInt32()} cores";
            runtime = host.GetProperty("RuntimeVersion").GetString() ?? runtime;
            foreach (JsonElement b in doc.RootElement.GetProperty("Benchmarks").EnumerateArray())
            {
                var parameters = (b.GetProperty("Parameters").GetString() ?? "").Split('&',
                    StringSplitOptions.RemoveEmptyEntries)
                    .Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
                long? bytes = b.TryGetProperty("Memory", out JsonElement m) && m.ValueKind == JsonValueKind.Object
                    ? m.GetProperty("BytesAllocatedPerOperation").GetInt64() : null;
                if (!b.TryGetProperty("Statistics", out JsonElement stats) || stats.ValueKind
                    != JsonValueKind.Object) continue;
                cases.Add(new Case(b.GetProperty("Type").GetString()!, b.GetProperty("Method").GetString()!, parameters,
                    stats.GetProperty("Min").GetDouble(), bytes));
            }
        }
        if (cases.Count == 0)
        {
            Console.Error.WriteLine($"no BenchmarkDotNet JSON results in {dir}; run the benchmarks with --exporters " +
                $"json first.");
            return 2;
        }
        string report = Write(cases, cpu, runtime, ClockCheck.Read(dir), ThreadCheck.Read(dir),
            ActivationCheck.Read(dir));
        if (File.Exists(whole)) report += Environment.NewLine + File.ReadAllText(whole);
        if (File.Exists(notes)) report += Environment.NewLine + File.ReadAllText(notes);
        File.WriteAllText(md, report);
        Plot(cases, png);
        Console.WriteLine($"wrote {md} and {png}");
        return 0;
    }

    /// <summary>FLOP of one full-batch epoch: forward 2NDH + 2NHC, backward dB 2NCH, dH 2NCH, dA 2NHD.</summary>
    public static double Flop(int N, int H) => 2.0 * N * H * (2 * D + 3 * C);

    /// <summary>FLOP of a forward pass alone: 2NDH + 2NHC.</summary>
    public static double ForwardFlop(int N, int H) => 2.0 * N * H * (D + C);

    /// <summary>
    /// Peak GFLOP/s of one thread for a precision, from the roofline benchmark's fastest iteration: the
    /// peak is what the core can do, and on a shared machine the mean also counts the time other
    /// processes took the core or lowered its clock. (Every other figure in the report is a fastest iteration too.)
    /// </summary>
    private static double Peak(List<Case> cases, string precision)
    {
        bool isDouble = precision == "float64";
        Case r = cases.Single(c => c.Type == "Roofline" && c.Method == (isDouble ? "FmaPeakDouble" : "FmaPeakFloat"));
        double flop = 100_000 * 12.0 * (isDouble ? 4 : 8) * 2;
        return flop / r.MinNs;
    }

    private static string Write(List<Case> cases, string cpu, string runtime, ClockCheck? check, ThreadCheck? threads,
        ActivationCheck? activations)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("# IrisNet benchmark results");
        sb.AppendLine();
        sb.AppendLine($"Machine: {cpu}; {runtime}. Written by `bench/IrisNet.Bench.Report` from the BenchmarkDotNet " +
            $"results in one folder");
        sb.AppendLine("(`--job short`: 3 warm-up and 3 measured iterations, each the average of many calls); every " +
            "time is the fastest iteration,");
        sb.AppendLine("since on this shared machine a mean also takes in the seconds when the host gives the "
            + "processor to other work.");
        sb.AppendLine("Reproduce with the commands of [docs/performance.md](../docs/performance.md#reproducing-them).");
        sb.AppendLine();
        double p64 = Peak(cases, "float64"), p32 = Peak(cases, "float32");
        sb.AppendLine("## Roofline");
        sb.AppendLine();
        sb.AppendLine("Measured by `Roofline`: 12 independent chains of 256-bit fused multiply-adds on one thread, " +
            "the fastest");
        sb.AppendLine("measured iteration (the core's capability; a mean on a shared machine also counts time taken " +
            "by other processes).");
        sb.AppendLine("Two FMA pipes doing 2 FLOP per lane per cycle give 16 FLOP/cycle in float64 and 32 in " +
            "float32, so the peak implies the clock.");
        sb.AppendLine();
        sb.AppendLine("| precision | peak GFLOP/s (one thread) | implied clock GHz |");
        sb.AppendLine("|---|---:|---:|");
        sb.AppendLine(inv, $"| float64 | {p64:F1} | {p64 / 16:F2} |");
        sb.AppendLine(inv, $"| float32 | {p32:F1} | {p32 / 32:F2} |");
        sb.AppendLine();
        var targets = new List<(string Target, string Measured, bool Met)>();
        // The clock: a chain of dependent 64-bit multiplications, 3 cycles each (16 per iteration, 250,000
        // iterations), fastest iteration. The chain of dependent additions (1 cycle each, 16 × 1,000,000)
        // is shown beside it: on this project's machine it at times runs slower than one per cycle.
        double? Ghz(string method, double cyclesPerRun) =>
            cases.SingleOrDefault(c => c.Type == "Roofline" && c.Method == method) is Case k ? cyclesPerRun / k.MinNs
                : null;
        double? mulGhz = Ghz("ClockMulChain", 3.0 * 16 * 250_000), addGhz = Ghz("ClockAddChain", 16.0 * 1_000_000);
        const string clockTarget = "Roofline loop within 3 % of 2 pipes × lanes × 2 FLOP × measured clock";
        if (mulGhz is double ghz)
        {
            double share64 = p64 / (16 * ghz), share32 = p32 / (32 * ghz);
            sb.AppendLine(inv,
                $"The clock, measured by `ClockMulChain` (a chain of dependent 64-bit integer multiplications, 3 " +
                $"cycles each, fastest iteration): **{ghz:F2} GHz**,");
            sb.AppendLine(inv,
                $"so the two pipes' peak would be {16 * ghz:F1} GFLOP/s in float64 and {32 * ghz:F1} in float32; the " +
                $"FMA loop measures {share64:P1} and {share32:P1} of that.");
            if (addGhz is double add)
                sb.AppendLine(inv,
                    $"`ClockAddChain` (dependent additions, meant to take one cycle each) reads {add:F2} GHz; it is " +
                    $"not the reference (see `Roofline`).");
            sb.AppendLine("The benchmarks run in separate processes, seconds apart, and a shared virtual machine's " +
                "clock can change in between.");
            if (check is null)
            {
                // Without the interleaved check the targets can only compare the separate processes.
                sb.AppendLine("The interleaved clock check (`dotnet run -c Release --project bench/IrisNet.Bench -- " +
                    "--clock-check`, which the suite");
                sb.AppendLine("without arguments runs after the benchmarks) was not run for these results (no " +
                    "clock-check.json), so the clock targets below");
                sb.AppendLine("compare the separate processes.");
                targets.Add(($"{clockTarget}, float64 (separate processes; interleaved check not run)",
                    share64.ToString("P1", inv), Math.Abs(share64 - 1) <= 0.03));
                targets.Add(($"{clockTarget}, float32 (separate processes; interleaved check not run)",
                    share32.ToString("P1", inv), Math.Abs(share32 - 1) <= 0.03));
            }
        }
        if (check is ClockCheck paired)
        {
            // The targets use the check measured in one process: the FMA loops and the clock in turn, so
            // they see the same clock, which separate processes need not.
            sb.AppendLine(inv,
                $"The interleaved clock check (`--clock-check`, in one process, which the suite without arguments " +
                $"runs after the benchmarks;");
            sb.AppendLine(inv,
                $"{paired.Rounds} rounds of the multiplication chain, the float64 and the float32 FMA loop and the " +
                $"addition chain in turn, {paired.Utc:yyyy-MM-dd HH:mm} UTC):");
            sb.AppendLine(inv,
                $"fastest FMA loops {paired.PeakDouble:F1} GFLOP/s float64 and {paired.PeakFloat:F1} float32 against " +
                $"a multiplication chain at **{paired.MulGhz:F3} GHz**,");
            sb.AppendLine(inv,
                $"**{paired.ShareDouble:P1}** (float64) and **{paired.ShareFloat:P1}** (float32) of 2 pipes × lanes " +
                $"× 2 FLOP × that clock");
            sb.AppendLine(inv,
                $"(median per round {paired.MedianShareDouble:P1} and {paired.MedianShareFloat:P1}); against the " +
                $"addition chain ({paired.AddGhz:F3} GHz) {paired.AddShareDouble:P1} and {paired.AddShareFloat:P1}.");
            sb.AppendLine("The clock targets below use this check.");
            targets.Add(($"{clockTarget}, float64 (interleaved in one process)",
                string.Create(inv, $"{paired.ShareDouble:P1} (median per round {paired.MedianShareDouble:P1})"),
                    Math.Abs(paired.ShareDouble - 1) <= 0.03));
            targets.Add(($"{clockTarget}, float32 (interleaved in one process)",
                string.Create(inv, $"{paired.ShareFloat:P1} (median per round {paired.MedianShareFloat:P1})"),
                    Math.Abs(paired.ShareFloat - 1) <= 0.03));
        }
        if (mulGhz is not null || check is not null) sb.AppendLine();
        sb.AppendLine("A cell's **× roofline** is its time divided by FLOP / (peak × threads), with FLOP per epoch = " +
            "2·N·H·(2·D + 3·C)");
        sb.AppendLine("(softmax and update not counted). 1.0 would be every cycle of every FMA pipe doing useful " +
            "work.");
        sb.AppendLine();

        sb.AppendLine("## One epoch at Iris size (N = 120 training rows, D = 4, C = 3)");
        sb.AppendLine();
        sb.AppendLine("| precision | H | scalar µs | vector µs | scalar / vector | vector GFLOP/s | × roofline | " +
            "bytes allocated |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (Case v in cases.Where(c => c.Type.StartsWith("IrisEpoch",
            StringComparison.Ordinal) && c.Method == "Vector").OrderBy(c => c.Precision).ThenBy(c => c.Int("H")))
        {
            Case s = cases.Single(c => c.Type == v.Type && c.Method == "Scalar" && c.Parameters["H"]
                == v.Parameters["H"]);
            int H = v.Int("H");
            double flop = Flop(120, H), peak = v.Precision == "float64" ? p64 : p32;
            double ratio = v.MinNs / (flop / peak);
            sb.AppendLine(inv,
                $"| {v.Precision} | {H} | {s.MinNs / 1000:F2} | {v.MinNs / 1000:F2} | {s.MinNs / v.MinNs:F1} | " +
                $"{flop / v.MinNs:F2} | {ratio:F1} | {v.Bytes} |");
            if (H == 16)
            {
                if (activations is null)
                    targets.Add(($"Iris size, H = 16, {v.Precision}: ≤ 2.5× roofline (separate processes; activation " +
                        $"check not run)", $"{ratio:F1}×", ratio <= 2.5));
                else
                {
                    double together = v.Precision == "float64" ? activations.RooflineDouble : activations.RooflineFloat;
                    targets.Add(($"Iris size, H = 16, {v.Precision}: ≤ 2.5× roofline (epoch and FMA loop interleaved " +
                        $"in one process)",
                        $"{together:F2}× (this table, separate processes: {ratio:F1}×)", together <= 2.5));
                }
                if (activations?.Scalars.SingleOrDefault(c => c.Precision == v.Precision) is ScalarCase sc)
                    targets.Add(($"Iris size, H = 16, {v.Precision}: vector ≥ 15× faster than scalar (interleaved in " +
                        $"one process, fastest slices)",
                        $"{sc.Speedup:F1}× (median {sc.MedianSpeedup:F1}×; this table, separate processes: " +
                            $"{s.MinNs / v.MinNs:F1}×)", sc.Speedup >= 15));
                else
                    targets.Add(($"Iris size, H = 16, {v.Precision}: vector ≥ 15× faster than scalar (separate " +
                        $"processes; activation check not run)", $"{s.MinNs / v.MinNs:F1}×", s.MinNs / v.MinNs >= 15));
            }
        }
        sb.AppendLine();

        var baseline = cases.Where(c => c.Type.StartsWith("TensorPrimitivesEpoch", StringComparison.Ordinal)).ToList();
        if (baseline.Count > 0)
        {
            sb.AppendLine("## Against TensorPrimitives (Iris epoch, N = 120, H = 16)");
            sb.AppendLine();
            sb.AppendLine("The same full-batch epoch written with System.Numerics.Tensors' TensorPrimitives, one " +
                "call per matrix row");
            sb.AppendLine("(`bench/IrisNet.Bench/TensorPrimitivesEpoch.cs`; its gradients are checked against " +
                "IrisNet's before timing).");
            sb.AppendLine("**÷ identity** is IrisNet's epoch with that activation over its identity epoch (same run, " +
                "same precision).");
            sb.AppendLine();
            sb.AppendLine("| precision | activation | IrisNet µs | TensorPrimitives µs | TensorPrimitives / IrisNet " +
                "| IrisNet ÷ identity |");
            sb.AppendLine("|---|---|---:|---:|---:|---:|");
            foreach (Case mine in baseline.Where(c => c.Method == "IrisNet").OrderBy(c => c.Precision).ThenBy(c
                => ActivationOrder(c.Parameters["Activation"])))
            {
                string activation = mine.Parameters["Activation"].ToLowerInvariant();
                Case? tp = baseline.SingleOrDefault(c => c.Type == mine.Type && c.Method == "TensorPrimitives"
                    && c.Parameters["Activation"] == mine.Parameters["Activation"]);
                Case? identity = baseline.SingleOrDefault(c => c.Type == mine.Type && c.Method == "IrisNet"
                    && c.Parameters["Activation"] == "Identity");
                double? perIdentity = identity is null ? null : mine.MinNs / identity.MinNs;
                sb.AppendLine(inv,
                    $"| {mine.Precision} | {activation} | {mine.MinNs / 1000:F2} | " +
                    $"{(tp is null ? "" : (tp.MinNs / 1000).ToString("F2", inv))} | " +
                    $"{(tp is null ? "" : (tp.MinNs / mine.MinNs).ToString("F2", inv))} | " +
                    $"{(perIdentity is double q ? q.ToString("F2", inv) : "")} |");
                if (tp is not null)
                    targets.Add(($"Iris epoch, H = 16, {mine.Precision}, {activation}: IrisNet at least as fast as " +
                        $"TensorPrimitives",
                        tp.MinNs >= mine.MinNs ? $"{tp.MinNs / mine.MinNs:F2}× faster"
                            : $"{mine.MinNs / tp.MinNs:F2}× slower", mine.MinNs <= tp.MinNs));
                if (activation == "tanh" && perIdentity is double ratio && activations is null)
                    targets.Add(($"Iris epoch, H = 16, {mine.Precision}: tanh ≤ 1.5× the identity epoch (separate " +
                        $"processes; activation check not run)", $"{ratio:F2}×", ratio <= 1.5));
            }
            sb.AppendLine();
        }
        if (activations is not null)
        {
            sb.AppendLine("### The activations interleaved in one process");
            sb.AppendLine();
            sb.AppendLine(inv,
                $"The ÷ identity column above divides times from separate benchmark processes. The activation check " +
                $"(`--activation-check`, {activations.Utc:yyyy-MM-dd HH:mm} UTC)");
            sb.AppendLine(inv,
                $"runs the same IrisNet epochs in one process, {activations.Rounds} rounds of " +
                $"{activations.EpochsPerSlice} epochs per activation in turn, so both sides of the");
            sb.AppendLine("ratio see the same machine; the tanh targets take its fastest slices (the median of the " +
                "same-round ratios beside it).");
            sb.AppendLine(inv,
                $"Each round also runs the FMA loop once: fastest {activations.PeakFloat:F1} GFLOP/s float32 and " +
                $"{activations.PeakDouble:F1} float64, so the identity");
            sb.AppendLine(inv,
                $"epoch runs at {activations.RooflineFloat:F2}× (float32) and {activations.RooflineDouble:F2}× " +
                $"(float64) of its roofline measured alongside, the figures of the Iris-size roofline targets.");
            sb.AppendLine();
            sb.AppendLine("| precision | activation | fastest µs | ÷ identity | median ÷ identity, same round |");
            sb.AppendLine("|---|---|---:|---:|---:|");
            foreach (ActivationCase a in activations.Cases)
            {
                sb.AppendLine(inv,
                    $"| {a.Precision} | {a.Activation.ToLowerInvariant()} | {a.FastestUs:F3} | {a.PerIdentity:F3} | " +
                    $"{a.MedianPerIdentity:F3} |");
                if (a.Activation == "Tanh")
                    targets.Add(($"Iris epoch, H = 16, {a.Precision}: tanh ≤ 1.5× the identity epoch (interleaved in " +
                        $"one process, fastest slices)",
                        $"{a.PerIdentity:F2}× (median {a.MedianPerIdentity:F2}×)", a.PerIdentity <= 1.5));
            }
            sb.AppendLine();
            if (activations.Scalars.Count > 0)
            {
                sb.AppendLine("Each round also runs a slice of the identity epoch through the scalar reference " +
                    "kernels (`IrisEpoch.Scalar`); the");
                sb.AppendLine("vector-against-scalar targets take the fastest scalar slice over the fastest vector " +
                    "identity slice: " + string.Join("; ",
                    activations.Scalars.Select(c => string.Create(inv,
                        $"{c.Precision} {c.FastestUs:F2} µs, {c.Speedup:F1}× (median per round {c.MedianSpeedup:F1}×)"))) + ".");
                sb.AppendLine();
            }
        }

        var commandEpoch = cases.Where(c => c.Type.StartsWith("CommandEpoch",
            StringComparison.Ordinal)).OrderBy(c => c.Precision).ToList();
        if (commandEpoch.Count > 0)
        {
            sb.AppendLine("## The numbers of one epoch of the default `irisnet train`");
            sb.AppendLine();
            sb.AppendLine("`CommandEpoch`: the training step on the 120 training rows and the forward pass on the 30 " +
                "test rows, nothing else.");
            sb.AppendLine("`bench/command-epoch.sh` measures what the whole command spends per epoch (the tool's own " +
                "timing of its training");
            sb.AppendLine("phase at two run lengths) and this benchmark together, round after round; the target is " +
                "the command's epoch");
            sb.AppendLine("≤ 1.25× the benchmark's (figures in the notes below), and the benchmark ≤ 2.5× the " +
                "roofline of its FLOP. The table:");
            sb.AppendLine(inv,
                $"this suite's run, fastest iteration; FLOP = the training epoch's {Flop(120, 16):N0} plus the test " +
                $"forward pass's {ForwardFlop(30, 16):N0}");
            sb.AppendLine("(2·N·H·(D + C) on 30 columns), against this suite's FMA peak (separate processes).");
            sb.AppendLine();
            sb.AppendLine("| precision | µs | GFLOP/s | × roofline | bytes allocated |");
            sb.AppendLine("|---|---:|---:|---:|---:|");
            foreach (Case c in commandEpoch)
            {
                double flop = Flop(120, 16) + ForwardFlop(30, 16), ratio = c.MinNs / (flop / Peak(cases, c.Precision));
                sb.AppendLine(inv,
                    $"| {c.Precision} | {c.MinNs / 1000:F2} | {flop / c.MinNs:F2} | {ratio:F2} | {c.Bytes} |");
                targets.Add(($"The command's epoch's numbers (`CommandEpoch`), H = 16, {c.Precision}: ≤ 2.5× " +
                    $"roofline (separate processes)", string.Create(inv, $"{ratio:F2}×"), ratio <= 2.5));
            }
            sb.AppendLine();
        }

        sb.AppendLine("## Scaling grid (Iris tiled to N rows with seeded jitter)");
        sb.AppendLine();
        sb.AppendLine("| precision | N | H | threads | µs / epoch | GFLOP/s | × roofline | speed-up 2 vs 1 thread | " +
            "bytes allocated |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (Case c in cases.Where(c => c.Type.StartsWith("Scaling", StringComparison.Ordinal))
                     .OrderBy(c => c.Precision).ThenBy(c => c.Int("H")).ThenBy(c => c.Int("N")).ThenBy(c
                         => c.Int("Threads")))
        {
            int N = c.Int("N"), H = c.Int("H"), T = c.Int("Threads");
            double flop = Flop(N, H), peak = (c.Precision == "float64" ? p64 : p32) * T;
            double ratio = c.MinNs / (flop / peak);
            string speedup = "";
            if (T == 2)
            {
                Case one = cases.Single(o => o.Type == c.Type && o.Int("N") == N && o.Int("H") == H && o.Int("Threads")
                    == 1);
                double su = one.MinNs / c.MinNs;
                speedup = su.ToString("F2", inv);
                // With the thread check, its interleaved figure is the target's (below) and this one is context.
                bool inCheck = threads?.Cases.Any(t => t.Precision == c.Precision && t.N == N && t.H == H) == true;
                if (N >= 15_000 && !inCheck)
                    targets.Add(($"2 threads vs 1, N = {N:N0}, H = {H}, {c.Precision}: ≥ 1.8× (separate processes; " +
                        $"{(threads is null ? "thread check not run" : "not in the thread check")})", $"{su:F2}×",
                        su >= 1.8));
            }
            sb.AppendLine(inv,
                $"| {c.Precision} | {N:N0} | {H} | {T} | {c.MinNs / 1000:F1} | {flop / c.MinNs:F2} | {ratio:F2} | " +
                $"{speedup} | {c.Bytes} |");
            if (N == 150_000 && H == 256 && T == 1)
            {
                ThreadCase? t = threads?.Cases.SingleOrDefault(t => t.Precision == c.Precision && t.N == N && t.H == H);
                if (t is null)
                    targets.Add(($"N = 150,000, H = 256, {c.Precision}: ≤ 1.3× roofline (separate processes; thread " +
                        $"check not run)", $"{ratio:F2}×", ratio <= 1.3));
                else
                    targets.Add(($"N = 150,000, H = 256, {c.Precision}: ≤ 1.3× roofline (1-thread epoch and FMA loop " +
                        $"interleaved in the thread check)",
                        $"{t.RooflineRatio:F2}× (this table, separate processes: {ratio:F2}×)",
                            t.RooflineRatio <= 1.3));
            }
        }
        sb.AppendLine();
        if (threads is null)
        {
            // Without the interleaved check the targets can only compare the separate processes.
            sb.AppendLine("The speed-ups above compare separate BenchmarkDotNet processes, minutes apart, and this " +
                "machine's host at times runs");
            sb.AppendLine("both virtual processors on one physical core (the FMA loop then does exactly half per " +
                "thread on two threads).");
            sb.AppendLine("The interleaved thread check (`dotnet run -c Release --project bench/IrisNet.Bench -- " +
                "--thread-check`, which the suite");
            sb.AppendLine("without arguments runs after the benchmarks) was not run for these results (no " +
                "thread-check.json), so the two-thread");
            sb.AppendLine("targets below compare the separate processes.");
            sb.AppendLine();
        }
        else
        {
            // The targets use the check measured in one process: the two networks and the machine's own two-thread
            // capacity in turn, so all three see the same placement of the virtual processors on cores.
            sb.AppendLine("### Two threads against one, interleaved in one process");
            sb.AppendLine();
            sb.AppendLine(inv,
                $"The thread check (`--thread-check`, in one process, which the suite without arguments runs after " +
                $"the benchmarks; {threads.Rounds} rounds per case,");
            sb.AppendLine(inv,
                $"{threads.Utc:yyyy-MM-dd HH:mm} UTC). Each round runs the FMA loop of the roofline on one thread " +
                $"and then on two threads at once, which gives the");
            sb.AppendLine("machine's two-thread speed-up at that moment (2 × one loop's time over the slower of the " +
                "two loops run together: 2.0 on two");
            sb.AppendLine("cores, 1.0 when the host runs both virtual processors on one), then k epochs (forward, " +
                "backward, update) on a 1-thread network");
            sb.AppendLine("and k on a 2-thread network set up as in the grid above, each epoch timed; the two " +
                "networks' losses, gradients and weights");
            sb.AppendLine("are checked bit for bit after the first epoch and after the last. The FMA loop is short, " +
                "and a thread that has just woken");
            sb.AppendLine("up is run at once, so it sees the cores but not another process that takes a processor " +
                "for longer; the processor time");
            sb.AppendLine("the process held during each 2-thread slice, over the slice's wall time (2.0 when both " +
                "threads ran throughout), shows that.");
            sb.AppendLine(inv,
                $"A round is on two cores when the FMA speed-up is ≥ {threads.TwoCoreThreshold:F1}, and clean when " +
                $"the 2-thread slice also held ≥ {threads.TwoCoreThreshold:F1} processors.");
            sb.AppendLine();
            sb.AppendLine("| precision | N | H | k | fastest epoch µs, 1 thread | fastest epoch µs, 2 threads | " +
                "speed-up (fastest epochs) | median per round | FMA 2-thread speed-up (fastest) | FMA median per " +
                "round | rounds on two cores | median speed-up in those | processors held, 2 threads (median) | " +
                "clean rounds | median speed-up in those |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            static string Maybe(double? v) => v is double x ? x.ToString("F2", CultureInfo.InvariantCulture) : "–";
            var checkCases = threads.Cases.OrderBy(t => t.Precision).ThenBy(t => t.H).ThenBy(t => t.N).ToList();
            foreach (ThreadCase t in checkCases)
                sb.AppendLine(inv,
                    $"| {t.Precision} | {t.N:N0} | {t.H} | {t.EpochsPerSlice} | {t.FastestOneUs:F1} | " +
                    $"{t.FastestTwoUs:F1} | {t.Speedup:F2} | {t.MedianSpeedup:F2} | {t.FmaSpeedup:F2} | " +
                    $"{t.MedianFmaSpeedup:F2} | {t.TwoCoreRounds} of {threads.Rounds} | " +
                    $"{Maybe(t.TwoCoreMedianSpeedup)} | {t.MedianProcessors:F2} | {t.CleanRounds} of " +
                    $"{threads.Rounds} | {Maybe(t.CleanMedianSpeedup)} |");
            sb.AppendLine();
            if (checkCases.Count > 0)
            {
                // The smallest and largest over the cases, or one figure when they agree.
                string Span(Func<ThreadCase, double> f, string format)
                {
                    string low = checkCases.Min(f).ToString(format, inv), high = checkCases.Max(f).ToString(format,
                        inv);
                    return low == high ? low : $"{low}–{high}";
                }
                sb.AppendLine(inv,
                    $"In the same rounds the machine's own FMA loop ran {Span(t => t.FmaSpeedup, "F2")}× faster on " +
                    $"two threads than on one from the fastest runs,");
                sb.AppendLine(inv,
                    $"{Span(t => t.MedianFmaSpeedup, "F2")}× as the median per round; it had two cores in " +
                    $"{Span(t => t.TwoCoreRounds, "F0")} of the {threads.Rounds} rounds of a case,");
                sb.AppendLine(inv,
                    $"the 2-thread slices held {Span(t => t.MedianProcessors, "F2")} processors (median per round), " +
                    $"and {Span(t => t.CleanRounds, "F0")} rounds of a case were clean.");
            }
            sb.AppendLine("The two-thread targets below use this check's fastest-epoch ratio (the fastest 1-thread " +
                "epoch over the fastest 2-thread");
            sb.AppendLine("epoch), with the median per-round ratio over the clean rounds beside it; the speed-ups in " +
                "the grid above, from");
            sb.AppendLine("separate BenchmarkDotNet processes minutes apart, are kept as context.");
            sb.AppendLine();
            foreach (ThreadCase t in checkCases.Where(t => t.N >= 15_000))
            {
                string clean = t.CleanMedianSpeedup is double m
                    ? string.Create(inv, $"median {m:F2}× over the {t.CleanRounds} of {threads.Rounds} clean rounds")
                    : string.Create(inv, $"no clean round of {threads.Rounds}");
                targets.Add((string.Create(inv,
                    $"2 threads vs 1, N = {t.N:N0}, H = {t.H}, {t.Precision}: ≥ 1.8× (interleaved in one process, " +
                    $"fastest epochs)"),
                    string.Create(inv, $"{t.Speedup:F2}× ({clean}; FMA loop {t.FmaSpeedup:F2}×)"), t.Speedup >= 1.8));
            }
        }

        var epochCases = cases.Where(c => c.Type.StartsWith("Scaling",
            StringComparison.Ordinal) || c.Type.StartsWith("IrisEpoch",
            StringComparison.Ordinal) || c.Type.StartsWith("CommandEpoch", StringComparison.Ordinal)).ToList();
        long maxBytes = epochCases.Max(c => c.Bytes ?? long.MaxValue);
        targets.Add(("Zero bytes allocated per epoch (every epoch benchmark)", $"max {maxBytes} B", maxBytes == 0));

        sb.AppendLine("## Kernels at Iris size (N = 120, D = 4, H = 16, C = 3)");
        sb.AppendLine();
        sb.AppendLine("| precision | kernel | scalar ns | vector ns | scalar / vector |");
        sb.AppendLine("|---|---|---:|---:|---:|");
        foreach (Case v in cases.Where(c => c.Type.StartsWith("Kernels",
            StringComparison.Ordinal) && c.Method.EndsWith("_Vector",
            StringComparison.Ordinal)).OrderBy(c => c.Precision).ThenBy(c => c.Method))
        {
            string kernel = v.Method[..^"_Vector".Length];
            Case? s = cases.SingleOrDefault(c => c.Type == v.Type && c.Method == kernel + "_Scalar");
            sb.AppendLine(inv,
                $"| {v.Precision} | {kernel} | {(s is null ? "" : (s.MinNs).ToString("F0", inv))} | {v.MinNs:F0} | " +
                $"{(s is null ? "" : (s.MinNs / v.MinNs).ToString("F1", inv))} |");
        }
        sb.AppendLine();

        sb.AppendLine("## Targets");
        sb.AppendLine();
        sb.AppendLine("| target | measured | met |");
        sb.AppendLine("|---|---:|---|");
        foreach (var (target, measured, met) in targets)
            sb.AppendLine($"| {target} | {measured} | {(met ? "yes" : "**no**")} |");
        sb.AppendLine();
        sb.AppendLine("![µs per epoch against N, log–log](../docs/images/scaling.png)");
        return sb.ToString();
    }

    // Identity first, then tanh and ReLU: the order of the activation enum and of the table.
    private static int ActivationOrder(string activation) => activation switch
    {
        "Identity" => 0,
        "Tanh" => 1,
        "Relu" => 2,
        _ => 3
    };

    private static void Plot(List<Case> cases, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int color = 0;
        foreach (var group in cases.Where(c => c.Type.StartsWith("Scaling", StringComparison.Ordinal))
                     .GroupBy(c => (c.Precision, H: c.Int("H"), T: c.Int("Threads"))).OrderBy(g
                         => g.Key.Precision).ThenBy(g => g.Key.H).ThenBy(g => g.Key.T))
        {
            Case[] points = group.OrderBy(c => c.Int("N")).ToArray();
            double[] xs = points.Select(c => Math.Log10(c.Int("N"))).ToArray();
            double[] ys = points.Select(c => Math.Log10(c.MinNs / 1000)).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText =
                $"{group.Key.Precision}, H = {group.Key.H}, {group.Key.T} thread{(group.Key.T > 1 ? "s" : "")}";
            line.Color = palette.GetColor(color / 2);
            line.LinePattern = group.Key.T == 1 ? LinePattern.Solid : LinePattern.Dashed;
            line.LineWidth = 2;
            line.MarkerSize = 7;
            color++;
        }
        static string Power(double v) => Math.Pow(10, v).ToString("#,0.###", CultureInfo.InvariantCulture);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = Power,
        };
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = Power,
        };
        plot.Title("Time per full-batch epoch against N (log–log)");
        plot.XLabel("N, training rows");
        plot.YLabel("µs per epoch");
        // At the default 20 px a legend line is shorter than one dash and its gap, so the dashed
        // (two-thread) entries showed as a bare marker; 40 px shows the pattern.
        plot.Legend.SymbolWidth = 40;
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1000, 640);
    }
}
