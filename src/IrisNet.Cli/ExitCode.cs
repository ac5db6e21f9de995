namespace IrisNet.Cli;

/// <summary>Exit codes of every command.</summary>
public static class ExitCode
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int Interrupted = 130;
}
