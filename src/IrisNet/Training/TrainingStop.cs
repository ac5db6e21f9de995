namespace IrisNet.Training;

/// <summary>Why the training loop ended.</summary>
public enum TrainingStop
{
    /// <summary>Every requested epoch ran.</summary>
    Completed,

    /// <summary>The validation loss stopped improving for the patience's number of epochs.</summary>
    EarlyStopped,

    /// <summary>Cancellation (Ctrl+C or a termination signal) stopped training before the last epoch.</summary>
    Interrupted,
}
