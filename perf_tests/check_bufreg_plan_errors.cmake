# cmake -D TOOL=<bufreg_plan> -D WORK=<dir> -P check_bufreg_plan_errors.cmake
#
# bufreg_plan must refuse bad input with exit status 2 and a message naming the file, line and
# column (or the argument and column) of the problem; and read LF, CRLF and CR line endings.
file(MAKE_DIRECTORY "${WORK}")

# refused(<what> <expected message fragment> <arguments>...): bufreg_plan with the arguments
# must exit with status 2 and print the fragment.
function(refused what expected)
  execute_process(COMMAND "${TOOL}" ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT status EQUAL 2)
    message(SEND_ERROR "${what}: exit status ${status}, want 2:\n${out}${err}")
  endif()
  string(FIND "${err}" "${expected}" at)
  if(at EQUAL -1)
    message(SEND_ERROR "${what}: expected '${expected}' in:\n${err}")
  endif()
endfunction()

# refused_file(<name> <content> <expected>): the file <name>.csv holding <content> is refused.
function(refused_file name content expected)
  file(WRITE "${WORK}/${name}.csv" "${content}")
  refused("${name}.csv" "${name}.csv:${expected}" "${WORK}/${name}.csv")
endfunction()

# planned(<name> <content> <line regex>): the file is accepted and its output line matches.
function(planned name content regex)
  file(WRITE "${WORK}/${name}.csv" "${content}")
  execute_process(COMMAND "${TOOL}" "${WORK}/${name}.csv" RESULT_VARIABLE status
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0 OR NOT out MATCHES "${regex}")
    message(SEND_ERROR "${name}.csv: status ${status}, expected a line matching '${regex}':\n"
                       "${out}${err}")
  endif()
endfunction()

set(header "id,lower,upper,size\n")
refused_file(fields "${header}0,0,4,8\n1,2,9\n" "3:6: expected 4 fields (id,lower,upper,size), found 3")
refused_file(extra_field "${header}0,0,4,8,9\n" "2:9: expected 4 fields (id,lower,upper,size), found 5")
refused_file(number "${header}0,0,x4,8\n" "2:5: 'x4' is not a non-negative integer")
refused_file(negative "${header}0,0,4,-8\n" "2:7: '-8' is not a non-negative integer")
refused_file(spaced_negative "${header}0,0,4, -8\n" "2:7: ' -8' is not a non-negative integer")
refused_file(spaced_upper "${header}0,0, -1,8\n" "2:5: ' -1' is not a non-negative integer")
refused_file(plus "${header}0,0,+4,8\n" "2:5: '+4' is not a non-negative integer")
refused_file(trailing "${header}0,0,4,8x\n" "2:8: '8x' is not a non-negative integer")
refused_file(trailing_space "${header}0,0,4,8 \n" "2:8: '8 ' is not a non-negative integer")
refused_file(empty_field "${header}0,0,,8\n" "2:5: '' is not a non-negative integer")
refused_file(too_large "${header}0,0,4,18446744073709551616\n"
             "2:7: '18446744073709551616' is larger than 18446744073709551615")
refused_file(sum_too_large "${header}0,0,4,18446744073709551615\n1,5,6,1\n"
             "3:7: size 1 makes the instance's sizes add up past 18446744073709551615")
refused_file(empty "${header}0,5,5,8\n" "2:3: lower 5 is not below upper 5")
refused_file(crlf_bad "${header}0,0,4,8\r\n1,2,x,8\r\n" "3:5: 'x' is not a non-negative integer")
refused_file(cr_bad "id,lower,upper,size\r0,0,4,8\r1,2,x,8\r" "3:5: 'x' is not a non-negative integer")

refused("a missing file" "missing.csv: cannot be read" "${WORK}/missing.csv")
file(MAKE_DIRECTORY "${WORK}/directory.csv")
refused("a directory" "directory.csv: is a directory" "${WORK}/directory.csv")

planned(lf "${header}0,0,4,8\n1,2,6,8\n" "lf +2 +16 ")
planned(crlf "id,lower,upper,size\r\n0,0,4,8\r\n1,2,6,8\r\n" "crlf +2 +16 ")
planned(cr "id,lower,upper,size\r0,0,4,8\r1,2,6,8\r" "cr +2 +16 ")
planned(no_final_end "${header}0,0,4,8\n1,2,6,8" "no_final_end +2 +16 ")
# A buffer of the largest size is planned, not crashed on: its peak is that size.
planned(largest "0,0,4,18446744073709551615\n"
        "largest +1 +18446744073709551615 +18446744073709551615 +18446744073709551615 ")

# The budget: a whole number of milliseconds, nothing else.
set(good "${WORK}/lf.csv")
foreach(case IN ITEMS "abc|1|is not" "nan|1|is not" "-5|1|is not" "5x|2|is not" " 5|1|is not"
                      "1.5|2|is not" "99999999999999999999|1|is larger than")
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 budget)
  list(GET parts 1 column)
  list(GET parts 2 problem)
  refused("--budget-ms '${budget}'" "argument 2 (--budget-ms), column ${column}: '${budget}' ${problem}"
          --budget-ms "${budget}" "${good}")
endforeach()
# Not through refused(): a function's arguments lose empty strings.
execute_process(COMMAND "${TOOL}" --budget-ms "" "${good}" RESULT_VARIABLE status
                ERROR_VARIABLE err)
if(NOT status EQUAL 2 OR NOT err MATCHES
   "argument 2 \\(--budget-ms\\), column 1: '' is not a non-negative integer")
  message(SEND_ERROR "--budget-ms '': exit status ${status}, want 2 and the argument named:\n${err}")
endif()
refused("--budget-ms=5x" "argument 1 (--budget-ms), column 14: '5x' is not a non-negative integer"
        --budget-ms=5x "${good}")
refused("--budget-ms at the end" "--budget-ms needs a value" "${good}" --budget-ms)
refused("an unknown option" "unknown option '--budget'" --budget 5 "${good}")
execute_process(COMMAND "${TOOL}" --budget-ms 0 "${good}" --budget-ms=18446744073709551615 "${good}"
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(SEND_ERROR "valid budgets refused: status ${status}:\n${out}${err}")
endif()
