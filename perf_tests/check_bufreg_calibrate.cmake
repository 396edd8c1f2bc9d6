# cmake -D TOOL=<bufreg_calibrate> -D WORK=<dir> -P check_bufreg_calibrate.cmake
#
# The entry perf.calibrate_runs wrote in WORK must read back (`--check`, exit 0) as a fitted
# entry; `--check` must refuse a malformed entry with exit status 2 and the line.
set(entry "${WORK}/bufreg_model.txt")
execute_process(COMMAND "${TOOL}" --check "${entry}" RESULT_VARIABLE status
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0 OR NOT out MATCHES "source = fitted by bufreg_calibrate from 12 timings")
  message(SEND_ERROR "${entry}: exit status ${status}, want 0 and a fitted entry:\n${out}${err}")
endif()

file(WRITE "${WORK}/malformed.txt" "arch = host\nspill_cost 4\n")
execute_process(COMMAND "${TOOL}" --check "${WORK}/malformed.txt" RESULT_VARIABLE status
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 2 OR NOT err MATCHES "line 2 .*needs `key = value`")
  message(SEND_ERROR "malformed.txt: exit status ${status}, want 2 and line 2:\n${out}${err}")
endif()
