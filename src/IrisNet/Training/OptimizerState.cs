using System.Numerics;
using IrisNet.FastPath;
using IrisNet.Kernels;
using IrisNet.Reference;

namespace IrisNet.Training;

/// <summary>
/// Everything an optimizer carries from one step to the next, in plain buffers: the velocity v of SGD
/// with momentum and of Nesterov (Eqs. 16, 17), Adam's first and second moments m and r (Eqs. 18, 19),
/// and the step count t of the bias corrections (Eq. 20). All zero at the start; <see cref="CopyTo"/>
/// copies it whole, so a run can be checkpointed and resumed exactly. Buffers an optimizer does not
/// use have length 0.
/// </summary>
/// <remarks>
/// t counts steps, not epochs: with mini-batches it grows by one per batch. The learning rate is not
/// part of this state; <see cref="LearningRateScheduler"/> holds the schedule's.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
public sealed class OptimizerState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Zero state for <paramref name="optimizer"/> on a network of <paramref name="shape"/>.</summary>
    public OptimizerState(NetworkShape shape, Optimizer optimizer)
    {
        Optimizer = optimizer;
        bool adam = optimizer is Optimizer.Adam or Optimizer.AdamW;
        Velocity = new ParameterBuffers<T>(shape, empty: adam);
        FirstMoment = new ParameterBuffers<T>(shape, empty: !adam);
        SecondMoment = new ParameterBuffers<T>(shape, empty: !adam);
    }

    /// <summary>The optimizer this state belongs to.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>v, the velocity of SGD with momentum and of Nesterov (empty for Adam and AdamW).</summary>
    public ParameterBuffers<T> Velocity { get; }

    /// <summary>m, Adam's first moment: the running average of g′ (empty for SGD and Nesterov).</summary>
    public ParameterBuffers<T> FirstMoment { get; }

    /// <summary>r, Adam's second moment: the running average of g′² (empty for SGD and Nesterov).</summary>
    public ParameterBuffers<T> SecondMoment { get; }

    /// <summary>t, the steps taken so far (each mini-batch is one); step t + 1 is the next.</summary>
    public long Steps { get; set; }

    /// <summary>Copies the whole state into <paramref name="destination"/> (same shape and optimizer).</summary>
    public void CopyTo(OptimizerState<T> destination)
    {
        if (destination.Optimizer != Optimizer) throw new
            ArgumentException("The destination belongs to another optimizer.", nameof(destination));
        Velocity.CopyTo(destination.Velocity);
        FirstMoment.CopyTo(destination.FirstMoment);
        SecondMoment.CopyTo(destination.SecondMoment);
        destination.Steps = Steps;
    }

    /// <summary>
    /// One step of the options' optimizer on every tensor of <paramref name="net"/>, with the gradients of
    /// its last backward pass, at learning rate <paramref name="eta"/> (the schedule's rate of this epoch):
    /// SGD (Eq. 16), Nesterov (Eq. 17) or Adam/AdamW (Eqs. 18–22, step t + 1). Allocates nothing.
    /// </summary>
    public void Step<TK>(Network<T, TK> net, TrainingOptions options, double eta) where TK : struct, IKernels<T>
    {
        Steps++;
        switch (Optimizer)
        {
            case Optimizer.Sgd:
                net.Step(T.CreateChecked(eta), T.CreateChecked(options.Momentum), T.CreateChecked(options.L2),
                    Velocity);
                break;
            case Optimizer.Nesterov:
                net.StepNesterov(T.CreateChecked(eta), T.CreateChecked(options.Momentum), T.CreateChecked(options.L2),
                    Velocity);
                break;
            default:
                double decay = Optimizer == Optimizer.AdamW ? options.WeightDecay : 0;
                net.StepAdam(AdamStep<T>.For(eta, options.Beta1, options.Beta2, options.Epsilon, options.L2, decay,
                    Steps), FirstMoment, SecondMoment);
                break;
        }
    }
}
