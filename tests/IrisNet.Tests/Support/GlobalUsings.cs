// The namespaces nearly every test file uses, imported once for the whole test project: xUnit, and
// every namespace of the core library (the tests exercise all of it). A file imports anything else
// (System.Text.Json, the command line's namespaces, CsCheck, Json.Schema) itself.
global using IrisNet.Data;
global using IrisNet.Errors;
global using IrisNet.Explain;
global using IrisNet.FastPath;
global using IrisNet.Kernels;
global using IrisNet.Models;
global using IrisNet.Reference;
global using IrisNet.Scoring;
global using IrisNet.Tracing;
global using IrisNet.Training;
global using Xunit;
