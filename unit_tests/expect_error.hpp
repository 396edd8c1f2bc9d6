#pragma once
// Checks that a call throws exactly the expected exception type with a message that contains
// every given fragment (the buffer's quoted name, the problem).

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <typeinfo>

namespace bufreg::test {

template <class Exception, class Call>
::testing::AssertionResult throws_with(Call&& call,
                                       std::initializer_list<std::string_view> fragments) {
  try {
    call();
  } catch (const Exception& error) {
    if (typeid(error) != typeid(Exception)) {
      return ::testing::AssertionFailure() << "threw a subclass: " << typeid(error).name();
    }
    const std::string message = error.what();
    for (const std::string_view fragment : fragments) {
      if (message.find(fragment) == std::string::npos) {
        return ::testing::AssertionFailure()
               << "message \"" << message << "\" lacks \"" << fragment << "\"";
      }
    }
    return ::testing::AssertionSuccess() << message;
  } catch (const std::exception& error) {
    return ::testing::AssertionFailure()
           << "threw " << typeid(error).name() << ": " << error.what();
  }
  return ::testing::AssertionFailure() << "did not throw";
}

}  // namespace bufreg::test
