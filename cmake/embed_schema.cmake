# Writes the schema text as a C++ string constant, so that the library can
# convert JSON without a schema file beside it.
file(READ ${INPUT} SCHEMA)
file(WRITE ${OUTPUT}
  "// Generated from custdb.fbs; do not edit.\n"
  "namespace custdb {\n"
  "extern const char* const kSchemaText;\n"
  "const char* const kSchemaText = R\"custdbfbs(${SCHEMA})custdbfbs\";\n"
  "}  // namespace custdb\n")
