# cmake -D TOOL=<bufreg_plan> -D WORK=<dir> -P check_bufreg_plan_errors.cmake
#
# bufreg_plan must refuse malformed instance files with a non-zero exit status and a message
# naming the file and the line.
file(MAKE_DIRECTORY "${WORK}")
set(cases
  "fields|id,lower,upper,size\n0,0,4,8\n1,2,9\n|fields.csv:3: expected 4 fields"
  "number|id,lower,upper,size\n0,0,x4,8\n|number.csv:2: 'x4' is not a non-negative integer"
  "negative|id,lower,upper,size\n0,0,4,-8\n|negative.csv:2: '-8' is not a non-negative integer"
  "empty|id,lower,upper,size\n0,5,5,8\n|empty.csv:2: lower 5 is not below upper 5")
foreach(case IN LISTS cases)
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 name)
  list(GET parts 1 content)
  list(GET parts 2 expected)
  string(REPLACE "\\n" "\n" content "${content}")
  file(WRITE "${WORK}/${name}.csv" "${content}")
  execute_process(COMMAND "${TOOL}" "${WORK}/${name}.csv" RESULT_VARIABLE status
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(status EQUAL 0)
    message(SEND_ERROR "${name}.csv: bufreg_plan accepted it")
  endif()
  string(FIND "${err}" "${expected}" at)
  if(at EQUAL -1)
    message(SEND_ERROR "${name}.csv: expected '${expected}' in:\n${err}")
  endif()
endforeach()
execute_process(COMMAND "${TOOL}" "${WORK}/missing.csv" RESULT_VARIABLE status ERROR_VARIABLE err)
if(status EQUAL 0 OR NOT err MATCHES "missing.csv: cannot be read")
  message(SEND_ERROR "a missing file was not refused: ${err}")
endif()

# A buffer of the largest size is planned, not crashed on: its peak is that size.
file(WRITE "${WORK}/largest.csv" "0,0,4,18446744073709551615\n")
execute_process(COMMAND "${TOOL}" "${WORK}/largest.csv" RESULT_VARIABLE status
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0 OR NOT out MATCHES "largest +1 +18446744073709551615 +18446744073709551615 +18446744073709551615 ")
  message(SEND_ERROR "largest.csv: status ${status}, expected a plan of peak 2^64 - 1:\n${out}${err}")
endif()
