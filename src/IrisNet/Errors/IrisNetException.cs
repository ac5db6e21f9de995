namespace IrisNet.Errors;

/// <summary>Base of every error IrisNet raises on purpose. Its message is one line a user can act on.</summary>
public class IrisNetException : Exception
{
    /// <summary>Creates the error with its one-line message.</summary>
    public IrisNetException(string message) : base(message) { }

    /// <summary>Creates the error with its one-line message and the underlying cause, if any.</summary>
    public IrisNetException(string message, Exception? inner) : base(message, inner) { }
}
