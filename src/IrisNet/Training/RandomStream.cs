namespace IrisNet.Training;

/// <summary>What a random stream is used for; each purpose draws from its own stream of the seed.</summary>
public enum RandomStream : ulong
{
    /// <summary>Initial weights.</summary>
    Initialization = 1,

    /// <summary>The stratified train/test split.</summary>
    Split = 2,

    /// <summary>The order of samples in mini-batch epochs.</summary>
    Shuffle = 3,

    /// <summary>The stratified fold assignment of cross-validation, every repeat in turn.</summary>
    Folds = 4,

    /// <summary>The stratified validation set carved out of the training rows.</summary>
    Validation = 5,

    /// <summary>The configurations of a random search (<c>irisnet sweep --trials</c>), one trial after
    /// another.</summary>
    Sweep = 6,
}
