// The judge's findings as records: the ANALYSIS RESULT block (text) and one
// "type":"diagnosis" object a finding (JSON). The judge decides; this only formats.
#pragma once

#include <string>

#include "ftnettrace/diagnosis.h"

namespace ftnt {

void append_diagnosis_text(std::string& out, const Diagnosis& diagnosis);
void append_diagnosis_json(std::string& out, const Diagnosis& diagnosis);

}  // namespace ftnt
