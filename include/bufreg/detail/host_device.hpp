#pragma once
/// \file
/// Marks the few core functions that kernels call too. Private to bufreg.

#if defined(__CUDACC__) || defined(__HIPCC__)
#define BUFREG_HOST_DEVICE __host__ __device__
#else
#define BUFREG_HOST_DEVICE
#endif
