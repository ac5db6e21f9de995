namespace IrisNet.Training;

/// <summary>
/// What reduce-on-plateau carries from epoch to epoch (torch's ReduceLROnPlateau state): the rate it
/// has reached, the best validation loss so far, the bad epochs counted since, and the cooldown left.
/// </summary>
/// <param name="Rate">The current rate: η until the first reduction.</param>
/// <param name="Best">The lowest validation loss observed (+∞ before the first).</param>
/// <param name="BadEpochs">Observations since the last improvement (cleared by a reduction and during cooldown).</param>
/// <param name="CooldownLeft">Observations left during which bad epochs are not counted.</param>
public readonly record struct PlateauState(double Rate, double Best, int BadEpochs, int CooldownLeft);

/// <summary>
/// The learning rate of every epoch (docs/derivation.md, Eqs. 23–28), stepped once per epoch. The fixed
/// schedules are closed forms of the epoch index e = 0, 1, 2, … (the epochs completed before it), so
/// their only state is e; reduce-on-plateau also carries a <see cref="PlateauState"/>. Both are plain
/// values (<see cref="Epoch"/>, <see cref="Plateau"/>): copy them to checkpoint the schedule, set them
/// to resume it.
/// </summary>
public sealed class LearningRateScheduler
{
    /// <summary>
    /// The smallest reduction the plateau schedule applies (torch's eps = 1e-8): a new rate that differs
    /// from the old by this or less is ignored.
    /// </summary>
    public const double PlateauEpsilon = 1e-8;

    private readonly TrainingOptions _options;

    /// <summary>A schedule at its start (no epoch begun) for validated <paramref name="options"/>.</summary>
    public LearningRateScheduler(TrainingOptions options)
    {
        _options = options;
        Plateau = new PlateauState(options.LearningRate, double.PositiveInfinity, 0, 0);
    }

    /// <summary>The epochs begun so far (0 before the first); the next epoch's index e is this number.</summary>
    public int Epoch { get; set; }

    /// <summary>The plateau schedule's state (unused by the other schedules).</summary>
    public PlateauState Plateau { get; set; }

    /// <summary>
    /// Begins the next epoch and returns its learning rate. For the plateau schedule,
    /// <paramref name="validationLoss"/> is the validation loss at the epoch's starting weights (the loss
    /// after the previous epoch's updates); it is observed before the rate is chosen, from the second
    /// epoch on, as torch's loop calls <c>scheduler.step(val_loss)</c> after each epoch.
    /// </summary>
    public double BeginEpoch(double? validationLoss)
    {
        int e = Epoch++;
        if (_options.LrSchedule != LearningRateSchedule.Plateau) return RateAt(_options, e);
        if (e > 0)
            Plateau = ObservePlateau(Plateau, validationLoss ?? throw new InvalidOperationException("The plateau schedule needs the validation loss."), _options);
        return Plateau.Rate;
    }

    /// <summary>
    /// The rate of epoch index <paramref name="e"/> (0 for the first epoch) for a fixed schedule, with the
    /// warm-up first (Eq. 27) and the schedule counting its epochs from the warm-up's end.
    /// </summary>
    public static double RateAt(TrainingOptions o, int e)
    {
        double eta = o.LearningRate;
        int W = o.WarmupEpochs;
        if (e < W) return eta * WarmupFactor(o.WarmupStartFactor, W, e);
        int k = e - W;
        return o.LrSchedule switch
        {
            LearningRateSchedule.Step => StepRate(eta, o.LrGamma ?? 0.1, o.LrStepSize, k),
            LearningRateSchedule.Exponential => ExponentialRate(eta, o.LrGamma!.Value, k),
            LearningRateSchedule.Cosine => CosineRate(eta, o.LrMin, o.LrTMax > 0 ? o.LrTMax : o.Epochs - W, k),
            _ => eta,
        };
    }

    /// <summary>(24) η γ^⌊e/k⌋, as StepLR's closed form <c>base_lr * gamma ** (last_epoch // step_size)</c>.</summary>
    public static double StepRate(double eta, double gamma, int k, int e) => eta * Math.Pow(gamma, e / k);

    /// <summary>(25) η γ^e, as ExponentialLR's closed form.</summary>
    public static double ExponentialRate(double eta, double gamma, int e) => eta * Math.Pow(gamma, e);

    /// <summary>(26) η_min + (η − η_min)(1 + cos(π e / T)) / 2, as CosineAnnealingLR's closed form (periodic beyond T).</summary>
    public static double CosineRate(double eta, double etaMin, int T, int e) => etaMin + (eta - etaMin) * (1 + Math.Cos(Math.PI * e / T)) / 2;

    /// <summary>(27) f₀ + (1 − f₀) e / W for e &lt; W: LinearLR's factor rising from f₀ to 1 over W epochs.</summary>
    public static double WarmupFactor(double f0, int W, int e) => f0 + (1 - f0) * e / W;

    /// <summary>
    /// (28) One observation of reduce-on-plateau, as torch's ReduceLROnPlateau.step (mode min, relative
    /// threshold): the loss is better when below best·(1 − threshold); after more than <c>patience</c> bad
    /// epochs (not counted during cooldown) the rate becomes max(rate·factor, η_min), unless that changes it
    /// by <see cref="PlateauEpsilon"/> or less, and the cooldown starts.
    /// </summary>
    public static PlateauState ObservePlateau(PlateauState s, double loss, TrainingOptions o)
    {
        var (rate, best, bad, cooldown) = s;
        if (loss < best * (1 - o.PlateauThreshold))
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
        if (bad > o.PlateauPatience)
        {
            double reduced = Math.Max(rate * o.PlateauFactor, o.LrMin);
            if (rate - reduced > PlateauEpsilon) rate = reduced;
            cooldown = o.PlateauCooldown;
            bad = 0;
        }
        return new PlateauState(rate, best, bad, cooldown);
    }
}
