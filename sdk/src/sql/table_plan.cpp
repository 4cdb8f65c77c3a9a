#include "chorus/sql/table_plan.h"

#include <algorithm>
#include <map>
#include <set>

#include "chorus/plugin/errors.h"
#include "chorus/singer/message.h"
#include "chorus/sql/metadata_columns.h"

namespace chorus::sql {
namespace {

class Planner {
 public:
  Planner(const Dialect &dialect, const std::string &stream,
          const std::optional<std::vector<Column>> &existing)
      : dialect_(dialect), stream_(stream), exists_(existing.has_value()) {
    if (existing) {
      for (const auto &column : *existing) existing_[column.name] = column.type;
    }
    plan_.create_table = !exists_;
  }

  void place(const std::string &property, const LogicalType &type, bool is_key) {
    std::string base = dialect_.safe_name(property);
    if (used_.count(base)) base = dialect_.safe_name(property + hash_suffix(property));
    used_.insert(base);

    if (!exists_) {
      use(property, Column{base, type});
      return;
    }
    int version = 1;
    std::string latest = base;
    while (existing_.count(versioned_identifier(base, version + 1, dialect_.identifier_rules()))) {
      ++version;
      latest = versioned_identifier(base, version, dialect_.identifier_rules());
    }
    auto found = existing_.find(latest);
    if (found == existing_.end()) {
      Column column{base, type};
      plan_.add.push_back(column);
      use(property, column);
      return;
    }
    const LogicalType &current = found->second;
    if (keeps_existing_column(current, type)) {
      use(property, Column{latest, current});
      return;
    }
    std::optional<LogicalType> wider = widened(current, type);
    if (wider && same_type(*wider, current)) {
      use(property, Column{latest, current});
      return;
    }
    if (wider && dialect_.can_alter_type(current, *wider)) {
      plan_.alter.push_back(ColumnChange{latest, current, *wider});
      plan_.notices.push_back("stream '" + stream_ + "': column '" + latest + "' widened from " +
                              current.describe() + " to " + wider->describe());
      use(property, Column{latest, *wider});
      return;
    }
    if (is_key) {
      throw FatalError("stream '" + stream_ + "': key property '" + property +
                       "' changed type from " + current.describe() + " to " + type.describe() +
                       ", which column '" + latest +
                       "' cannot hold; load the stream into a new table (or alter the column "
                       "yourself) and run again");
    }
    std::string next = versioned_identifier(base, version + 1, dialect_.identifier_rules());
    used_.insert(next);
    Column column{next, type};
    plan_.add.push_back(column);
    plan_.notices.push_back("stream '" + stream_ + "': property '" + property +
                            "' changed type from " + current.describe() + " to " + type.describe() +
                            "; loading it into new column '" + next + "', column '" + latest +
                            "' and its data are kept");
    use(property, column);
  }

  // An unconstrained decimal in a warehouse whose decimals are bounded is sized from the data:
  // an existing NUMERIC(p,s) column is that size (values that do not fit are refused, see
  // value_fit.h). An existing floating-point column was someone's choice; it is kept, said.
  bool keeps_existing_column(const LogicalType &current, const LogicalType &wanted) {
    if (wanted.kind != TypeKind::Decimal || wanted.precision != 0) return false;
    if (current.kind == TypeKind::Decimal && dialect_.max_decimal_precision() > 0) return true;
    if (current.kind == TypeKind::Float) {
      plan_.notices.push_back("stream '" + stream_ +
                              "': an existing column is double precision, so its numbers are "
                              "rounded to 17 significant digits; alter it to an exact type to "
                              "keep every digit");
      return true;
    }
    return false;
  }

  bool placed(const std::string &property) const {
    return std::find(plan_.property_of.begin(), plan_.property_of.end(), property) !=
           plan_.property_of.end();
  }

  std::string column_of(const std::string &property) const {
    auto it = std::find(plan_.property_of.begin(), plan_.property_of.end(), property);
    return plan_.columns[static_cast<std::size_t>(it - plan_.property_of.begin())].name;
  }

  TablePlan take() { return std::move(plan_); }
  TablePlan &plan() { return plan_; }

 private:
  void use(const std::string &property, Column column) {
    plan_.columns.push_back(std::move(column));
    plan_.property_of.push_back(property);
  }

  const Dialect &dialect_;
  const std::string &stream_;
  bool exists_;
  std::map<std::string, LogicalType> existing_;
  std::set<std::string> used_;
  TablePlan plan_;
};

}  // namespace

const Column *column_fed_by(const TablePlan &plan, std::string_view property) {
  for (std::size_t i = 0; i < plan.property_of.size() && i < plan.columns.size(); ++i) {
    if (plan.property_of[i] == property) return &plan.columns[i];
  }
  return nullptr;
}

TablePlan plan_table(const Dialect &dialect, const std::string &stream,
                     const nlohmann::json &schema, const std::vector<std::string> &key_properties,
                     const std::optional<std::vector<Column>> &existing,
                     const std::vector<std::string> &property_order, const TypeOptions &options) {
  static const nlohmann::json kNoProperties = nlohmann::json::object();
  const nlohmann::json *properties = &kNoProperties;
  if (auto it = schema.find("properties"); it != schema.end() && it->is_object()) {
    properties = &*it;
  }
  for (const auto &key : key_properties) {
    if (!properties->contains(key)) {
      throw FatalError("stream '" + stream + "': key property '" + key +
                       "' is not in the stream's schema; fix the tap's key_properties or its "
                       "schema");
    }
  }

  Planner planner(dialect, stream, existing);
  for (const std::string &property : singer::property_names(schema, property_order)) {
    bool is_key =
        std::find(key_properties.begin(), key_properties.end(), property) != key_properties.end();
    planner.place(property, logical_type_of((*properties)[property], options), is_key);
  }
  for (const auto &column : metadata_columns()) {
    if (!planner.placed(column.name)) planner.place(column.name, column.type, false);
  }
  for (const auto &key : key_properties) {
    planner.plan().key_columns.push_back(planner.column_of(key));
  }
  return planner.take();
}

}  // namespace chorus::sql
