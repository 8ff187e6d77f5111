# Writes a text file as a C++ string constant, so that the library carries
# it without a file beside it (the schema, the nickname list).
# -DINPUT=file -DOUTPUT=file.cc -DVARIABLE=kName -DDELIMITER=word
file(READ ${INPUT} TEXT)
get_filename_component(SOURCE_NAME ${INPUT} NAME)
file(WRITE ${OUTPUT}
  "// Generated from ${SOURCE_NAME}; do not edit.\n"
  "namespace custdb {\n"
  "extern const char* const ${VARIABLE};\n"
  "const char* const ${VARIABLE} = R\"${DELIMITER}(${TEXT})${DELIMITER}\";\n"
  "}  // namespace custdb\n")
