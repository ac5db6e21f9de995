using IrisNet.Reference;

namespace IrisNet.Training;

/// <summary>
/// The learning rate of every epoch (docs/derivation.md, Eqs. 23–28), stepped once per epoch. The fixed
/// schedules are closed forms of the epoch index e = 0, 1, 2, … (the epochs completed before it), so
/// their only state is e; reduce-on-plateau also carries a <see cref="PlateauState"/>. Both are plain
/// values (<see cref="Epoch"/>, <see cref="Plateau"/>): copy them to checkpoint the schedule, set them
/// to resume it.
/// </summary>
public sealed class LearningRateScheduler
{
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
            Plateau = ObservePlateau(Plateau, validationLoss ?? throw new
                InvalidOperationException("The plateau schedule needs the validation loss."), _options);
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
        if (e < W) return eta * LearningRateSchedules.WarmupFactor(o.WarmupStartFactor, W, e);
        int k = e - W;
        return o.LrSchedule switch
        {
            LearningRateSchedule.Step => LearningRateSchedules.StepRate(eta, o.LrGamma ?? 0.1, o.LrStepSize, k),
            LearningRateSchedule.Exponential => LearningRateSchedules.ExponentialRate(eta, o.LrGamma!.Value, k),
            LearningRateSchedule.Cosine =>
                LearningRateSchedules.CosineRate(eta, o.LrMin, o.LrTMax > 0 ? o.LrTMax : o.Epochs - W, k),
            _ => LearningRateSchedules.Constant(eta),
        };
    }

    /// <summary>(28) One observation of reduce-on-plateau with the options' φ, P, τ, K and η_min.</summary>
    public static PlateauState ObservePlateau(PlateauState s, double loss, TrainingOptions o) =>
        LearningRateSchedules.ObservePlateau(s, loss, o.PlateauThreshold, o.PlateauPatience, o.PlateauFactor, o.LrMin,
            o.PlateauCooldown);
}
