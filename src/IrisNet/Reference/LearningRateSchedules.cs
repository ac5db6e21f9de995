namespace IrisNet.Reference;

/// <summary>
/// What reduce-on-plateau carries from epoch to epoch (torch's ReduceLROnPlateau state): the rate it
/// has reached, the best validation loss so far, the bad epochs counted since, and the cooldown left.
/// </summary>
/// <param name="Rate">The current rate: η until the first reduction.</param>
/// <param name="Best">The lowest validation loss observed (+∞ before the first).</param>
/// <param name="BadEpochs">Observations since the last improvement (cleared by a reduction and during
/// cooldown).</param>
/// <param name="CooldownLeft">Observations left during which bad epochs are not counted.</param>
public readonly record struct PlateauState(double Rate, double Best, int BadEpochs, int CooldownLeft);

/// <summary>
/// The learning-rate schedules of docs/derivation.md, Eqs. 23–28, as torch.optim.lr_scheduler defines
/// them, stepped once per epoch: the rate η_e of epoch index e = 0, 1, … (the epochs completed before
/// it) from the base rate η. The fixed schedules are closed forms of e; reduce-on-plateau is one
/// observation of the validation loss at a time, from a <see cref="PlateauState"/>.
/// </summary>
public static class LearningRateSchedules
{
    /// <summary>
    /// The smallest reduction the plateau schedule applies (torch's eps = 1e-8): a new rate that differs
    /// from the old by this or less is ignored.
    /// </summary>
    public const double PlateauEpsilon = 1e-8;

    /// <summary>(23) η_e = η, the constant schedule.</summary>
    public static double Constant(double eta) => eta;

    /// <summary>(24) η γ^⌊e/k⌋, as StepLR's closed form <c>base_lr * gamma ** (last_epoch // step_size)</c>.</summary>
    public static double StepRate(double eta, double gamma, int k, int e) => eta * Math.Pow(gamma, e / k);

    /// <summary>(25) η γ^e, as ExponentialLR's closed form.</summary>
    public static double ExponentialRate(double eta, double gamma, int e) => eta * Math.Pow(gamma, e);

    /// <summary>
    /// (26) η_min + (η − η_min)(1 + cos(π e / T)) / 2, as CosineAnnealingLR's closed form (periodic beyond T).
    /// </summary>
    public static double CosineRate(double eta, double etaMin, int T, int e) =>
        etaMin + (eta - etaMin) * (1 + Math.Cos(Math.PI * e / T)) / 2;

    /// <summary>(27) f₀ + (1 − f₀) e / W for e &lt; W: LinearLR's factor rising from f₀ to 1 over W epochs.</summary>
    public static double WarmupFactor(double f0, int W, int e) => f0 + (1 - f0) * e / W;

    /// <summary>
    /// (28) One observation V of reduce-on-plateau, as torch's ReduceLROnPlateau.step (mode min, relative
    /// threshold τ): V is better when below best·(1 − τ); after more than <paramref name="patience"/> bad
    /// epochs (not counted during cooldown) the rate becomes max(rate·φ, η_min), unless that changes it by
    /// <see cref="PlateauEpsilon"/> or less, and a cooldown of <paramref name="cooldownEpochs"/> starts.
    /// </summary>
    public static PlateauState ObservePlateau(PlateauState s, double loss, double threshold, int patience,
        double factor, double etaMin, int cooldownEpochs)
    {
        var (rate, best, bad, cooldown) = s;
        if (loss < best * (1 - threshold))
        {
            best = loss;
            bad = 0;
        }
        else bad++;
        if (cooldown > 0)
        {
            cooldown--;
            bad = 0;
        }
        if (bad > patience)
        {
            double reduced = Math.Max(rate * factor, etaMin);
            if (rate - reduced > PlateauEpsilon) rate = reduced;
            cooldown = cooldownEpochs;
            bad = 0;
        }
        return new PlateauState(rate, best, bad, cooldown);
    }
}
