# The layering of docs/ARCHITECTURE.md, enforced by the build: each layer's targets are compiled against an
# include root of their own that holds only the directories the layer may include, so an include that
# crosses a layer the wrong way fails to compile ("No such file or directory"), not just a source check.
#
#   layer      its include root holds   may not see
#   domain     domain/                  app/, adapters/, server/
#   app        domain/, app/            adapters/, server/
#   adapters   domain/, adapters/       app/, server/
#
# Each root is a directory of symbolic links under the build tree (build/include-layers/<layer>/<dir> ->
# the source directory), made at configure time. server/, the executable, the tests and the benchmarks
# wire the layers together and include from the repository root. scripts/check_layers.sh refuses "../"
# includes, the one way around a root; tests/layers checks both.
set(PACTWATCH_LAYER_ROOT ${PROJECT_BINARY_DIR}/include-layers)
set(PACTWATCH_LAYER_domain domain)
set(PACTWATCH_LAYER_app domain app)
set(PACTWATCH_LAYER_adapters domain adapters)

foreach(layer domain app adapters)
  file(MAKE_DIRECTORY ${PACTWATCH_LAYER_ROOT}/${layer})
  foreach(dir ${PACTWATCH_LAYER_${layer}})
    if(NOT EXISTS ${PACTWATCH_LAYER_ROOT}/${layer}/${dir})
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${dir} ${PACTWATCH_LAYER_ROOT}/${layer}/${dir} SYMBOLIC)
    endif()
  endforeach()
endforeach()

# pactwatch_layer(TARGET LAYER): TARGET (and what links it) includes from LAYER's root only.
function(pactwatch_layer target layer)
  if(NOT DEFINED PACTWATCH_LAYER_${layer})
    message(FATAL_ERROR "pactwatch_layer: unknown layer '${layer}' (domain, app or adapters)")
  endif()
  target_include_directories(${target} PUBLIC ${PACTWATCH_LAYER_ROOT}/${layer})
endfunction()
