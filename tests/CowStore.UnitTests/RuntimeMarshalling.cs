using System.Runtime.CompilerServices;

// The linked Core imports (Libc.FStatAt) marshal Core's Stat struct; the source generator treats a struct from
// another assembly as blittable only when runtime marshalling is off. The tests have no DllImports it would affect.
[assembly: DisableRuntimeMarshalling]
